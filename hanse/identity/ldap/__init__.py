"""LDAP and Active Directory: sign-in with the directory password (django-auth-ldap) and the
scheduled sync of people, units, managers and groups (docs/operations.md)."""
