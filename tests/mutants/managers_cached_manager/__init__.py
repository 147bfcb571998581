"""managers keeping one Manager for every call."""
