"""Reading and analysing Python source."""
