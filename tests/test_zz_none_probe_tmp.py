import sys
def test_probe():
    print("\nNONE_REFCOUNT", sys.getrefcount(None))
