"""cqfacts in hostile places: read-only filesystems, no home, odd fact base folders, odd $CQFACTS_FACTS.

Every command that only reads must work wherever it cannot write, and nothing may ever write beside a user's
fact files: each test checks that the fact base folder is byte for byte what it was, with no new files.

Read-only filesystem: a real one where the tests can mount it (``mount -t tmpfs`` then ``remount,ro``,
as root with CAP_SYS_ADMIN); else, for a user who is not root, a ``chmod a-w`` tree, which the kernel
enforces for such a user. Root without mount rights gets neither (permission bits do not stop root), and
those tests skip; ``test_read_commands_work_when_every_write_is_refused`` then stands in for them, in
every environment: an audit hook refuses (EROFS) every write the process tries in the given folders.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import FACTS, run, run_process

FIRST_ID = "nev-production-sales-2023"
# Every command that only reads, as a person types it, with the exit code it must end with.
READ_COMMANDS: list[tuple[list[str], int]] = [
    (["search", "Tianmu satellites"], 0),
    (["search", "no-such-word-anywhere-zzzz"], 1),
    (["list", "--tag", "satellites"], 0),
    (["show", FIRST_ID], 0),
    (["cite", FIRST_ID, "--style", "bibtex"], 0),
    (["cite", FIRST_ID, "--style", "apa", "--accessed", "today"], 0),
    (["sources", "--json"], 0),
    (["tags"], 0),
    (["stats"], 0),
    (["check"], 0),
    (["--version"], 0),
    (["--help"], 0),
]


# --- The fact base folder must not change ------------------------------------------------------------------

def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry below a folder: a file's bytes, a link's target, or 'dir'."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            found[key] = "-> " + os.readlink(path)
        elif path.is_dir():
            found[key] = "dir"
        elif path.is_file():
            found[key] = path.read_bytes()
        else:
            found[key] = "special"
    return found


@contextmanager
def unchanged(*folders: Path) -> Iterator[None]:
    """Assert the folders hold exactly the same entries and bytes afterwards: no edits, no partial files."""
    before = [snapshot(f) for f in folders]
    yield
    for folder, was in zip(folders, before, strict=True):
        now = snapshot(folder)
        assert sorted(now) == sorted(was), f"new or missing entries in {folder}"
        assert now == was, f"changed entries in {folder}"


def base_copy(folder: Path) -> Path:
    """A fact base folder holding a copy of the shipped base (never the curated file itself)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FACTS, folder / "facts.toml")
    shutil.copytree(FACTS.parent / "sources", folder / "sources", dirs_exist_ok=True)  # the archive check reads
    return folder


def run_all(commands: list[tuple[list[str], int]], facts: Path, env: dict[str, str | None],
            cwd: Path | None = None) -> None:
    """Run each command as a real process (in parallel, to save time) and check how each ended."""
    def one(args: list[str]) -> subprocess.CompletedProcess[str]:
        return run_process(*args[:1], *(["--facts", str(facts)] if args[0][:2] != "--" else []), *args[1:],
                           env=env, cwd=cwd, timeout=60)

    with ThreadPoolExecutor(4) as pool:
        done = list(pool.map(one, [args for args, _ in commands]))
    for (args, code), result in zip(commands, done, strict=True):
        assert "Traceback" not in result.stderr, (args, result.stderr)
        assert result.returncode == code, (args, result.returncode, result.stderr)
        if code == 0:
            assert result.stdout or args[0] == "check", args
        assert "error" not in result.stderr, (args, result.stderr)


# --- A real read-only filesystem ---------------------------------------------------------------------------

def _writable(folder: Path) -> bool:
    try:
        (folder / ".probe").write_text("x")
    except OSError:
        return False
    (folder / ".probe").unlink()
    return True


@pytest.fixture
def readonly(tmp_path: Path) -> Iterator[Path]:
    """A read-only tree with home/, cache/, work/ and base/facts.toml (a copy of the shipped base)."""
    root = tmp_path / "ro"
    root.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(root)],
                             capture_output=True, check=False).returncode == 0 if shutil.which("mount") else False
    for name in ("home", "cache", "work"):
        (root / name).mkdir()
    base_copy(root / "base")
    try:
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(root)], check=True, capture_output=True)
        elif os.geteuid() != 0:
            for path in [root, *root.rglob("*")]:
                path.chmod(0o555 if path.is_dir() else 0o444)
        else:
            pytest.skip("root without mount rights: cannot make a read-only filesystem here "
                        "(test_read_commands_work_when_every_write_is_refused covers this in-process)")
        assert not _writable(root / "home") and not _writable(root / "base"), "the tree is still writable"
        yield root
    finally:
        if mounted:
            subprocess.run(["umount", str(root)], check=False, capture_output=True)
        else:
            for path in [root, *root.rglob("*")]:
                path.chmod(0o755 if path.is_dir() else 0o644)


HOSTILE = {
    # name: (environment, working directory, where the fact base is), given the read-only tree
    "read-only home": lambda ro, rw: ({"HOME": str(ro / "home"), "XDG_CACHE_HOME": None}, rw, rw / "base"),
    "read-only cache dir": lambda ro, rw: ({"HOME": str(rw), "XDG_CACHE_HOME": str(ro / "cache")}, rw, rw / "base"),
    "unwritable working dir": lambda ro, rw: ({"HOME": str(rw), "XDG_CACHE_HOME": None}, ro / "work", rw / "base"),
    "fact base on a read-only filesystem": lambda ro, rw: ({"HOME": str(rw), "XDG_CACHE_HOME": None}, rw,
                                                           ro / "base" / "facts.toml"),
    "fact base folder on a read-only filesystem": lambda ro, rw: ({"HOME": str(rw), "XDG_CACHE_HOME": None}, rw,
                                                                  ro / "base"),
    "everything read-only": lambda ro, rw: ({"HOME": str(ro / "home"), "XDG_CACHE_HOME": str(ro / "cache")},
                                            ro / "work", ro / "base"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_read_commands_work_on_a_read_only_filesystem(readonly, tmp_path, case):
    writable = tmp_path / "rw"
    base_copy(writable / "base")
    env, cwd, facts = HOSTILE[case](readonly, writable)
    env |= {"CQFACTS_CACHE_DIR": None, "CQFACTS_NO_CACHE": None}
    with unchanged(readonly, writable / "base"):
        run_all(READ_COMMANDS, facts, env, cwd)


def test_read_commands_work_with_no_home_at_all(tmp_path):
    base = base_copy(tmp_path / "base")
    env = {"HOME": None, "XDG_CACHE_HOME": None, "XDG_CONFIG_HOME": None, "XDG_DATA_HOME": None,
           "USERPROFILE": None, "LOCALAPPDATA": None, "CQFACTS_CACHE_DIR": None, "CQFACTS_NO_CACHE": None}
    cache = Path.home() / ".cache" / "cqfacts"
    before = sorted(cache.iterdir()) if cache.is_dir() else []
    with unchanged(base):
        run_all(READ_COMMANDS, base, env, cwd=tmp_path)
    # With no home there is no cache: nothing is written to the account's real home instead.
    assert (sorted(cache.iterdir()) if cache.is_dir() else []) == before


# --- The same, in-process, wherever the tests run: every write in the given folders fails with EROFS -------

_REFUSED: list[Path] = []  # folders where writes fail; empty outside the test that sets it
_ATTEMPTS: list[tuple[str, str]] = []
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_WRITE_EVENTS = {"os.mkdir": 0, "os.rename": 1, "os.replace": 1, "os.remove": 0, "os.rmdir": 0, "os.truncate": 0,
                 "os.symlink": 1, "os.link": 1, "os.chmod": 0, "os.utime": 0, "shutil.copyfile": 1,
                 "shutil.move": 1}


def _refuse_writes(event: str, args: tuple[object, ...]) -> None:
    if not _REFUSED:
        return
    if event == "open":
        path, mode, flags = args
        if not (isinstance(mode, str) and set(mode) & set("wax+")) and not (
                isinstance(flags, int) and mode is None and flags & _WRITE_FLAGS):
            return
    elif event in _WRITE_EVENTS:
        path = args[_WRITE_EVENTS[event]]
    else:
        return
    if isinstance(path, (str, bytes, os.PathLike)):
        target = Path(os.fsdecode(path)).absolute()
        if any(target == folder or folder in target.parents for folder in _REFUSED):
            _ATTEMPTS.append((event, str(target)))
            raise PermissionError(errno.EROFS, "Read-only file system", str(target))


_HOOKED = False


@contextmanager
def writes_refused(*folders: Path) -> Iterator[list[tuple[str, str]]]:
    """Every write this process tries in these folders fails as on a read-only mount; yields the attempts."""
    global _HOOKED
    if not _HOOKED:
        sys.addaudithook(_refuse_writes)  # audit hooks cannot be removed: it is idle while _REFUSED is empty
        _HOOKED = True
    _REFUSED[:] = [f.absolute() for f in folders]
    _ATTEMPTS.clear()
    try:
        yield _ATTEMPTS
    finally:
        _REFUSED.clear()


def test_read_commands_work_when_every_write_is_refused(tmp_path, monkeypatch):
    base = base_copy(tmp_path / "base")
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.chdir(work)
    with unchanged(tmp_path), writes_refused(tmp_path) as attempts:
        for args, code in READ_COMMANDS:
            result = run(*args[:1], *(["--facts", str(base)] if args[0][:2] != "--" else []), *args[1:],
                         env={"HOME": str(home), "XDG_CACHE_HOME": None, "CQFACTS_CACHE_DIR": None,
                              "CQFACTS_NO_CACHE": None})
            assert (result.exit_code, "error" in result.stderr) == (code, False), (args, result)
    # Trying to write a cache in the home folder is fine (it failed and the command went on); beside the facts, never.
    assert not [a for a in attempts if Path(a[1]).is_relative_to(base)], attempts


def test_the_write_refusal_is_real(tmp_path):
    """The stand-in for a read-only mount refuses what the tests rely on it to refuse."""
    with writes_refused(tmp_path):
        for write in (lambda: (tmp_path / "x").write_text("x"), lambda: os.open(tmp_path / "y", os.O_CREAT),
                      lambda: (tmp_path / "d").mkdir(), lambda: open(tmp_path / "z", "a")):  # noqa: SIM115
            with pytest.raises(PermissionError):
                write()
    assert not list(tmp_path.iterdir())


# --- Folder fact bases with odd entries ---------------------------------------------------------------------

def check_folder(folder: Path) -> tuple[int, str, str]:
    """`cqfacts check FOLDER` and `cqfacts list --facts FOLDER` in a real process, with a hang guard."""
    checked = run_process("check", str(folder), timeout=30)
    listed = run_process("list", "--facts", str(folder), "--format", "json", timeout=30)
    for result in (checked, listed):
        assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, result.stderr
    return checked.returncode, checked.stdout + checked.stderr, listed.stderr


ODD_ENTRIES = {
    # name: (how to make it, the problem `check` reports for it, or None when the entry is ignored)
    "symlink loop": (lambda d: (d / "loop.toml").symlink_to("loop.toml"),
                     "loop.toml: cannot read: Too many levels of symbolic links"),
    "dangling symlink": (lambda d: (d / "gone.toml").symlink_to("nowhere.toml"),
                         "gone.toml: cannot read: No such file or directory"),
    "folder named *.toml": (lambda d: (d / "more.toml").mkdir(), "more.toml: cannot read: a folder, not a TOML file"),
    "named pipe": (lambda d: os.mkfifo(d / "pipe.toml"), "pipe.toml: cannot read: a named pipe, not a TOML file"),
    "non-TOML files": (lambda d: [(d / n).write_text("not = [toml") for n in ("notes.txt", "README.md",
                                                                                "facts.toml.bak", "facts.toml~")],
                       None),
    "hidden TOML file": (lambda d: (d / ".draft.toml").write_text("not = [toml"), None),
    "TOML in a subfolder": (lambda d: (d / "sub").mkdir() or (d / "sub" / "x.toml").write_text("not = [toml"), None),
    "symlink loop to the folder": (lambda d: (d / "self").symlink_to("."), None),
}


@pytest.mark.parametrize("case", ODD_ENTRIES)
def test_folder_base_with_an_odd_entry(tmp_path, case):
    base = base_copy(tmp_path / "base")
    make, problem = ODD_ENTRIES[case]
    make(base)
    with unchanged(base):
        code, checked, listed = check_folder(base)
    if problem is None:  # ignored, as the README says: only *.toml directly in the folder, not hidden
        assert code == 0, checked
        assert f" in 1 file of {base} (named on the command line); quotes checked against " in checked, checked
        assert listed == ""
    else:  # an error naming the entry: a base never loads with part of it silently missing
        assert code == 2
        assert checked == f"{base / problem}\ncqfacts: checked {base} (named on the command line)\ncqfacts: 1 problem found\n"
        assert listed == f"cqfacts: error: {base / problem}\n"


def test_unreadable_file_in_a_folder_base(tmp_path, monkeypatch):
    base = base_copy(tmp_path / "base")
    secret = base / "secret.toml"
    shutil.copyfile(FACTS, secret)
    expected = f"{secret}: cannot read: Permission denied"
    if os.geteuid() != 0:  # the kernel enforces the bits for everyone but root
        secret.chmod(0)
        try:
            result = run("check", str(base))
        finally:
            secret.chmod(0o644)
    else:  # as root, refuse the read itself, as the kernel would for another user
        real_open = os.open

        def refuse(path, *args, **kwargs):
            if Path(path) == secret:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(os, "open", refuse)
        result = run("check", str(base))
    assert (result.exit_code, result.stdout) == (2, expected + "\n")


# --- $CQFACTS_FACTS pointing at the wrong thing --------------------------------------------------------------

@pytest.mark.parametrize(("target", "message"), [
    ("missing", "{p}: no such file or folder; point --facts (or $CQFACTS_FACTS) at a fact base"),
    ("empty-folder", "{p}: no *.toml files in this folder; point --facts at a fact base"),
    ("dangling-link", "{p}: a symbolic link to nothing (its target is missing, or it loops); "
                      "point --facts (or $CQFACTS_FACTS) at a fact base"),
    # Named on purpose, a device is read like a pipe (--facts /dev/stdin): what it holds decides.
    ("/dev/null", "{p}:1: missing schema_version; add 'schema_version = 1' at the top"),
    ("/dev/zero", "{p}: cannot read: more than 100 MB, too big for a fact base"),
])
def test_facts_env_pointing_at_the_wrong_thing(tmp_path, target, message):
    path = Path(target) if target.startswith("/") else tmp_path / target
    if target == "empty-folder":
        path.mkdir()
        (path / "notes.txt").write_text("no TOML here")
    elif target == "dangling-link":
        path.symlink_to(path)
    message = message.format(p=path)
    for args in (["list"], ["search", "Tianmu"], ["cite", FIRST_ID], ["check"]):
        result = run_process(*args, env={"CQFACTS_FACTS": str(path)}, timeout=30)  # /dev/zero must not hang
        assert result.returncode == 2, (args, result.stderr)
        if args[0] == "check" and target.startswith("/"):  # a problem of the base, listed by check
            assert (result.stdout, result.stderr) == (
                message + "\n", f"cqfacts: checked {path} (from $CQFACTS_FACTS)\ncqfacts: 1 problem found\n")
        else:
            assert (result.stdout, result.stderr) == ("", f"cqfacts: error: {message}\n"), args


def test_a_fact_base_from_a_pipe_named_on_purpose():
    result = run_process("list", "--facts", "/dev/stdin", "--fields", "id", input=FACTS.read_text("utf-8"), timeout=30)
    assert (result.returncode, result.stderr) == (0, "")
    assert FIRST_ID in result.stdout.split()
