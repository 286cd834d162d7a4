"""The stream: posts, comments, reactions and feeds, and the text pipeline they share."""
