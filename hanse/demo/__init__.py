"""The demo organisation (``manage.py seed_demo``): at the top of the layering, it writes
through every app and nothing imports it. The generator is ``hanse.demo.generator``."""
