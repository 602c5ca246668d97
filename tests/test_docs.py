"""Run the Python examples in README.md and docs/**/*.md.

Every fenced block tagged ``python`` runs, in order, in one namespace per file, so a
later block can use the names an earlier one defined. Blocks tagged anything else
(``console``, ``bash``, ``json``, ``text``...) are not run. Three markers, all HTML
comments and so invisible in rendered pages, adjust this:

- ``<!-- no-run -->`` on the line right before a fence skips that one block;
- ``<!-- xaccess-doc: mock_aws -->`` among the comments at the top of a file runs
  its blocks inside ``moto.mock_aws()`` with fake credentials and AWS managed
  policies loaded;
- a ``text`` block that follows a python block and starts with the line ``# output``
  holds what that python block must print, compared exactly (trailing newlines aside).

Each file is one test; a failure names the file and the line where the block starts.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import sys
import traceback
import types
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"

PYTHON_TAGS = frozenset({"python", "py", "python3"})
NO_RUN = "<!-- no-run -->"
OUTPUT_HEADER = "# output"
OPTIONS_MARKER = re.compile(r"<!--\s*xaccess-doc:\s*(?P<options>[^>]*?)\s*-->")
KNOWN_OPTIONS = frozenset({"mock_aws"})

_OPENING_FENCE = re.compile(r"(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)")


class MarkdownError(ValueError):
    """A Markdown file cannot be split into blocks reliably."""


@dataclass(frozen=True)
class Block:
    """One fenced code block of a Markdown file."""

    tag: str
    line: int  # 1-based line number of the first line inside the fence
    source: str
    run: bool = True
    expected_output: str | None = None


@dataclass(frozen=True)
class Document:
    """The fenced blocks and file-level options of one Markdown file."""

    name: str
    blocks: tuple[Block, ...]
    options: frozenset[str]

    @property
    def examples(self) -> tuple[Block, ...]:
        """The python blocks, in file order."""
        return tuple(block for block in self.blocks if block.tag in PYTHON_TAGS)


def _options(lines: list[str], name: str) -> frozenset[str]:
    """Read ``xaccess-doc`` options from the HTML comments heading the file."""
    options: set[str] = set()
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not (stripped.startswith("<!--") and stripped.endswith("-->")):
            break
        match = OPTIONS_MARKER.fullmatch(stripped)
        if match:
            found = {opt.strip() for opt in match["options"].split(",") if opt.strip()}
            unknown = found - KNOWN_OPTIONS
            if unknown:
                msg = f"{name}:{number}: unknown xaccess-doc option(s) {sorted(unknown)}"
                raise MarkdownError(msg)
            options |= found
    return frozenset(options)


def _fenced_blocks(lines: list[str], name: str) -> Iterator[tuple[Block, int, int]]:
    """Yield every fenced block with the indexes of its opening and closing fence lines."""
    index = 0
    while index < len(lines):
        opening = _OPENING_FENCE.fullmatch(lines[index])
        if opening is None or (opening["fence"][0] == "`" and "`" in opening["info"]):
            index += 1
            continue
        fence = opening["fence"]
        info = opening["info"].strip()
        indent = len(opening["indent"])
        closing = re.compile(rf"[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*")
        start = index
        body: list[str] = []
        index += 1
        while index < len(lines) and not closing.fullmatch(lines[index]):
            line = lines[index]
            body.append(line[min(indent, len(line) - len(line.lstrip(" \t"))) :])
            index += 1
        if index == len(lines):
            msg = f"{name}:{start + 1}: the code fence {fence} opened here is never closed"
            raise MarkdownError(msg)
        tag = info.split()[0].lower() if info else ""
        source = "".join(f"{line}\n" for line in body)
        yield Block(tag=tag, line=start + 2, source=source), start, index
        index += 1


def parse_markdown(text: str, name: str) -> Document:
    """Split Markdown `text` (the file `name`) into its fenced blocks.

    Raises:
        MarkdownError: An unclosed fence or an unknown ``xaccess-doc`` option.
    """
    lines = text.splitlines()
    blocks: list[Block] = []
    previous_close = -1
    for found, open_index, close_index in _fenced_blocks(lines, name):
        block = found
        previous = blocks[-1] if blocks else None
        adjacent = not any(line.strip() for line in lines[previous_close + 1 : open_index])
        if (
            previous is not None
            and previous.tag in PYTHON_TAGS
            and previous.run
            and previous.expected_output is None
            and adjacent
            and block.tag == "text"
            and block.source.startswith(OUTPUT_HEADER + "\n")
        ):
            expected = block.source[len(OUTPUT_HEADER) + 1 :]
            blocks[-1] = replace(previous, expected_output=expected)
        elif block.tag in PYTHON_TAGS and open_index and lines[open_index - 1].strip() == NO_RUN:
            block = replace(block, run=False)
        blocks.append(block)
        previous_close = close_index
    return Document(name=name, blocks=tuple(blocks), options=_options(lines, name))


def load(path: Path) -> Document:
    """Parse the Markdown file at `path`, named relative to the repository root."""
    return parse_markdown(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())


@contextlib.contextmanager
def _aws_sandbox(monkeypatch: pytest.MonkeyPatch, home: Path) -> Iterator[None]:
    """Fake credentials and an in-process moto backend for every AWS call."""
    # moto and boto3 are only needed by such pages.
    from moto import mock_aws  # noqa: PLC0415

    from tests.provisioning_support import fake_aws_environment  # noqa: PLC0415

    fake_aws_environment(monkeypatch, home)
    # Examples attach AWS managed policies such as SecurityAudit, as real accounts can.
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

    with mock_aws():
        yield


def _run_block(
    source: str,
    path: Path,
    module: types.ModuleType,
    capture: contextlib.AbstractContextManager[object],
) -> str | None:
    """Run one block in `module`; return its error and traceback, or None if it passed."""
    try:
        code = compile(source, str(path), "exec", dont_inherit=True)
        with capture:
            exec(code, module.__dict__)  # noqa: S102 - running the examples is the point
    except Exception as exc:  # noqa: BLE001 - any error in an example fails the test
        # Skip this function's own frame: the traceback starts in the Markdown file.
        tb = exc.__traceback__.tb_next if exc.__traceback__ else None
        return f"{type(exc).__name__}:\n" + "".join(traceback.format_exception(type(exc), exc, tb))
    return None


def run_examples(document: Document, *, monkeypatch: pytest.MonkeyPatch, workdir: Path) -> int:
    """Run the python blocks of `document` in order in one namespace; return how many ran.

    The blocks run in a module of their own (registered in ``sys.modules`` while they
    run, so classes they define behave as usual) with `workdir` as the current
    directory. A failing block fails the test with its file and line.
    """
    module = types.ModuleType("xaccess_doc_example")
    module.__file__ = str(ROOT / document.name)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.chdir(workdir)
    ran = 0
    with contextlib.ExitStack() as stack:
        if "mock_aws" in document.options:
            stack.enter_context(_aws_sandbox(monkeypatch, workdir))
        for number, block in enumerate(document.examples, start=1):
            if not block.run:
                continue
            where = f"{document.name}:{block.line} (python block {number})"
            # Leading newlines make tracebacks point at the Markdown file's own lines.
            padded = "\n" * (block.line - 1) + block.source
            printed = io.StringIO()
            capture = (
                contextlib.redirect_stdout(printed)
                if block.expected_output is not None
                else contextlib.nullcontext()
            )
            error = _run_block(padded, ROOT / document.name, module, capture)
            if error is not None:
                pytest.fail(f"{where} raised {error}", pytrace=False)
            if block.expected_output is not None:
                actual = printed.getvalue().rstrip("\n")
                expected = block.expected_output.rstrip("\n")
                if actual != expected:
                    pytest.fail(
                        f"{where} printed something other than its # output block:\n"
                        f"--- expected\n{expected}\n--- printed\n{actual}",
                        pytrace=False,
                    )
            ran += 1
    return ran


def _documented_files() -> list[Path]:
    """README.md always, plus every docs page with a python block or a parse error."""
    files = [README]
    for path in sorted(DOCS.rglob("*.md")):
        if "_build" in path.relative_to(DOCS).parts:
            continue
        try:
            has_examples = bool(load(path).examples)
        except MarkdownError:
            has_examples = True  # its test reports the error
        if has_examples:
            files.append(path)
    return files


@pytest.mark.parametrize(
    "path", _documented_files(), ids=lambda path: path.relative_to(ROOT).as_posix()
)
def test_examples_run(path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every python block of the file runs without error, in order, in one namespace."""
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing"
    document = load(path)
    assert document.examples, f"{document.name} has no ```python example to run"

    ran = run_examples(document, monkeypatch=monkeypatch, workdir=tmp_path)

    assert sum(block.run for block in document.examples) == ran


def _ci_test_command() -> str:
    """The test command as .ci/run defines it, in its single ``TEST_COMMAND=(...)`` line."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    (words,) = re.findall(r"^TEST_COMMAND=\((.*)\)$", script, flags=re.MULTILINE)
    return shlex.join(shlex.split(words))


def test_readme_quotes_the_ci_test_and_benchmark_commands() -> None:
    """README.md shows the exact test command .ci/run uses and the benchmark command."""
    readme = README.read_text(encoding="utf-8")
    commands = [_ci_test_command(), "python benchmarks/run.py"]

    assert [] == [command for command in commands if command not in readme]


def _example(text: str, *, name: str = "example.md") -> Document:
    """Parse a Markdown snippet written with the fences as ~~~ for readability."""
    return parse_markdown(text.replace("~~~", "```"), name)


def test_parser_extracts_python_blocks_with_their_first_line() -> None:
    """Python blocks are extracted with the line number of their first code line."""
    document = _example("# Title\n\n~~~python\nx = 1\n~~~\n\ntext\n\n~~~py\ny = x\n~~~\n")

    assert [(3 + 1, "x = 1\n"), (9 + 1, "y = x\n")] == [
        (block.line, block.source) for block in document.examples
    ]


def test_parser_ignores_console_bash_json_and_text_blocks() -> None:
    """Only python-tagged blocks count as examples."""
    document = _example(
        "~~~console\n$ xaccess demo\n~~~\n~~~bash\nls\n~~~\n~~~json\n{}\n~~~\n"
        "~~~text\nhello\n~~~\n~~~\nplain\n~~~\n"
    )

    assert ["console", "bash", "json", "text", ""] == [block.tag for block in document.blocks]
    assert () == document.examples


def test_parser_keeps_longer_and_tilde_fences_intact() -> None:
    """A fence closes only on the same character at least as long, so nested fences survive."""
    text = "````markdown\n```python\nx = 1\n```\n````\n~~~~python\ny = 2\n~~~~\n"
    document = parse_markdown(text, "nested.md")

    assert ["markdown", "python"] == [block.tag for block in document.blocks]
    assert "y = 2\n" == document.examples[0].source


def test_parser_dedents_blocks_indented_in_lists() -> None:
    """A fence indented inside a list item has that indentation removed from its code."""
    document = _example("- step:\n\n  ~~~python\n  if True:\n      x = 1\n  ~~~\n")

    assert "if True:\n    x = 1\n" == document.examples[0].source


def test_no_run_marker_skips_only_the_next_block() -> None:
    """`<!-- no-run -->` right before a fence marks that block, and only it, as not run."""
    document = _example("<!-- no-run -->\n~~~python\nboom()\n~~~\n\n~~~python\nx = 1\n~~~\n")

    assert [False, True] == [block.run for block in document.examples]


def test_output_block_is_attached_to_the_python_block_before_it() -> None:
    """A following text block starting with `# output` becomes the expected output."""
    document = _example("~~~python\nprint(1)\n~~~\n\n~~~text\n# output\n1\n~~~\n")

    assert "1\n" == document.examples[0].expected_output


def test_unclosed_fence_is_reported_with_its_line() -> None:
    """A fence that is never closed is an error naming the file and line."""
    with pytest.raises(MarkdownError, match=r"broken\.md:3: "):
        _example("text\n\n~~~python\nx = 1\n", name="broken.md")


def test_unknown_file_option_is_an_error() -> None:
    """A misspelt xaccess-doc option is rejected rather than silently ignored."""
    with pytest.raises(MarkdownError, match="mock_awz"):
        _example("<!-- xaccess-doc: mock_awz -->\n# Title\n")


def test_file_options_are_read_only_from_the_top_comments() -> None:
    """The mock_aws option counts in the leading comments, not further down the page."""
    top = _example("<!-- xaccess-doc: mock_aws -->\n# Title\n")
    below = _example("# Title\n<!-- xaccess-doc: mock_aws -->\n")

    assert (frozenset({"mock_aws"}), frozenset()) == (top.options, below.options)


def test_blocks_share_one_namespace_and_print_what_they_claim(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Later blocks see earlier names, and a matching # output block passes."""
    document = _example(
        "~~~python\nfrom __future__ import annotations\nx = 20\n~~~\n"
        "~~~python\nprint(x + 22)\n~~~\n~~~text\n# output\n42\n~~~\n"
    )

    assert 2 == run_examples(document, monkeypatch=monkeypatch, workdir=tmp_path)


def test_failing_block_names_the_file_and_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An exception in a block fails the test with the file, the block's line and the error."""
    document = _example("# Page\n\n~~~python\nx = 1\n~~~\n~~~python\nraise KeyError(x)\n~~~\n")

    with pytest.raises(pytest.fail.Exception) as exc_info:
        run_examples(document, monkeypatch=monkeypatch, workdir=tmp_path)

    message = str(exc_info.value)
    assert "example.md:7 (python block 2) raised KeyError" in message
    assert "line 7" in message


def test_wrong_output_fails_with_both_outputs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A block printing something else than its # output block fails and shows both."""
    document = _example("~~~python\nprint('a')\n~~~\n~~~text\n# output\nb\n~~~\n")

    with pytest.raises(pytest.fail.Exception, match=r"(?s)expected\nb\n--- printed\na"):
        run_examples(document, monkeypatch=monkeypatch, workdir=tmp_path)


def test_mock_aws_option_runs_blocks_against_moto(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A page marked mock_aws talks to an in-process moto with fake credentials."""
    document = _example(
        "<!-- xaccess-doc: mock_aws -->\n# Page\n\n~~~python\n"
        "import boto3\n"
        "iam = boto3.client('iam')\n"
        "iam.create_role(RoleName='Demo', AssumeRolePolicyDocument='{}')\n"
        "names = [role['RoleName'] for role in iam.list_roles()['Roles']]\n"
        "~~~\n"
    )

    assert 1 == run_examples(document, monkeypatch=monkeypatch, workdir=tmp_path)
    namespace = sys.modules.get("xaccess_doc_example")
    assert namespace is not None
    assert ["Demo"] == namespace.names
