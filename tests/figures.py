"""What the gradient check's report draws, for the tests of its picture (``report.plot``)."""

__all__ = ["heat_maps"]


def heat_maps(figure):
    """The axes of a figure that show an image: the report's heat maps."""
    return [axis for axis in figure.axes if axis.get_images()]
