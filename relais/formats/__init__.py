"""Date and time formats of the interface, where Django's own would read badly (``FORMAT_MODULE_PATH``)."""
