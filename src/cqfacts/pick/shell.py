"""`cqfacts pick --shell bash|zsh|fish`: a key binding that runs the picker and inserts what it prints at
the cursor (as fzf's Ctrl-T inserts a path). Ctrl-X Ctrl-P by default; Esc in the picker inserts nothing."""

from __future__ import annotations

import shlex

from cqfacts.errors import CqfactsError

SHELLS = ("bash", "zsh", "fish")

_BASH = r"""# cqfacts pick: Ctrl-X Ctrl-P inserts a citation at the cursor. In ~/.bashrc:
#   eval "$(cqfacts pick --shell bash)"
__cqfacts_pick() {
  local picked
  picked="$(COMMAND)" || return 0
  READLINE_LINE="${READLINE_LINE:0:READLINE_POINT}${picked}${READLINE_LINE:READLINE_POINT}"
  READLINE_POINT=$((READLINE_POINT + ${#picked}))
}
bind -x '"\C-x\C-p": __cqfacts_pick'
"""

_ZSH = r"""# cqfacts pick: Ctrl-X Ctrl-P inserts a citation at the cursor. In ~/.zshrc:
#   eval "$(cqfacts pick --shell zsh)"
__cqfacts_pick() {
  local picked
  picked="$(COMMAND)" && LBUFFER+="$picked"
  zle reset-prompt
}
zle -N __cqfacts_pick
bindkey '^X^P' __cqfacts_pick
"""

_FISH = r"""# cqfacts pick: Ctrl-X Ctrl-P inserts a citation at the cursor. In ~/.config/fish/config.fish:
#   cqfacts pick --shell fish | source
function __cqfacts_pick
    set -l picked (COMMAND | string collect)
    and commandline --insert -- $picked
    commandline --function repaint
end
bind \cx\cp __cqfacts_pick
"""

_SNIPPETS = {"bash": _BASH, "zsh": _ZSH, "fish": _FISH}


def binding(shell: str, arguments: list[str]) -> str:
    """The key binding for a shell; the picker runs with these arguments (e.g. --print pandoc)."""
    if shell not in _SNIPPETS:
        raise CqfactsError(f"unknown --shell {shell!r}; choose one of {', '.join(SHELLS)}")
    command = " ".join(shlex.quote(a) for a in ["cqfacts", "pick", *arguments])
    return _SNIPPETS[shell].replace("COMMAND", command)
