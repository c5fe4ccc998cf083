"""Reading a corpus: file readers, text repair, segmentation into sentences and context windows."""
