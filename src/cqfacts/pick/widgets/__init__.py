"""The picker's widgets, one a module: the result list, the query line, the preview pane, the status
line and the keys."""

from cqfacts.pick.widgets.keys import KeyLine
from cqfacts.pick.widgets.preview import Preview
from cqfacts.pick.widgets.query import QueryLine
from cqfacts.pick.widgets.results import ResultList
from cqfacts.pick.widgets.status import StatusLine

__all__ = ["KeyLine", "Preview", "QueryLine", "ResultList", "StatusLine"]
