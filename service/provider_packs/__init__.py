"""The provider information pack: what it says, when it goes, and sending it."""
