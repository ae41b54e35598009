"""The picker's widgets, one a module: the result list, the preview pane and the status line."""

from cqfacts.pick.widgets.preview import Preview
from cqfacts.pick.widgets.results import ResultList
from cqfacts.pick.widgets.status import StatusLine

__all__ = ["Preview", "ResultList", "StatusLine"]
