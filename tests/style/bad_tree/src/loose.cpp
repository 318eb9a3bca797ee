// A file loose at the top of src/: in no room.
