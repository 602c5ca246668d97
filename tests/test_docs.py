"""Run the Python examples in README.md and docs/**/*.md, with Sybil.

Sybil lexes the fenced blocks and evaluates the examples in one namespace per file, so a
later block can use the names an earlier one defined. Blocks tagged ``python`` (or ``py``,
``python3``) run, in order; blocks tagged anything else (``console``, ``bash``, ``json``,
``text``...) do not. Three markers, all HTML comments and so invisible in rendered pages,
adjust this:

- ``<!-- no-run -->`` on the line right before a fence skips that one block;
- ``<!-- xaccess-doc: mock_aws -->`` among the comments at the top of a file runs
  its blocks inside ``moto.mock_aws()`` with fake credentials and AWS managed
  policies loaded;
- a ``text`` block that follows a python block (nothing but blank lines between) and
  starts with the line ``# output`` holds what that python block must print, compared
  exactly (trailing newlines aside).

Sybil's own skip and output conventions would need other markers in every page; these
three are expressed as a Sybil parser (:func:`parse_examples`) and an evaluator
(:func:`evaluate_example`) instead. Each file is one test; a failure names the file and
the line where the block starts.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import sys
import traceback
import types
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sybil import Document, Example, Lexeme, Region
from sybil.example import SybilFailure
from sybil.parsers.markdown.lexers import FencedCodeBlockLexer

if TYPE_CHECKING:
    from collections.abc import Iterator
    from re import Match

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"

PYTHON_TAGS = frozenset({"python", "py", "python3"})
NO_RUN = "<!-- no-run -->"
OUTPUT_HEADER = "# output"
OPTIONS_MARKER = re.compile(r"<!--\s*xaccess-doc:\s*(?P<options>[^>]*?)\s*-->")
KNOWN_OPTIONS = frozenset({"mock_aws"})


class MarkdownError(ValueError):
    """A Markdown file cannot be split into blocks reliably."""


@dataclass(frozen=True)
class Snippet:
    """What a python block holds: its code, whether it runs, and what it must print."""

    source: Lexeme
    run: bool = True
    expected_output: str | None = None


class _ClosedFenceLexer(FencedCodeBlockLexer):
    """Sybil's fenced-block lexer, for every info string, refusing a fence never closed."""

    def __init__(self) -> None:
        super().__init__(language=r"[^\n]*")

    def make_region(
        self, opening: Match[str], document: Document, closing: Match[str] | None
    ) -> Region | None:
        if closing is None:
            line = document.text.count("\n", 0, opening.start()) + 1
            fence = opening.group("fence")
            msg = f"{document.path}:{line}: the code fence {fence} opened here is never closed"
            raise MarkdownError(msg)
        return super().make_region(opening, document, closing)


def fenced_blocks(document: Document) -> list[Region]:
    """Every top-level fenced block, in file order (a fence inside a longer one is text)."""
    blocks: list[Region] = []
    for region in sorted(_ClosedFenceLexer()(document), key=lambda region: region.start):
        if blocks and region.start < blocks[-1].end:
            continue
        blocks.append(region)
    return blocks


def _tag(region: Region) -> str:
    info = str(region.lexemes["language"]).strip()
    return info.split()[0].lower() if info else ""


def _expected_output(document: Document, block: Region, following: Region | None) -> str | None:
    """The ``# output`` block right after ``block``, if there is one."""
    if following is None or _tag(following) != "text":
        return None
    if document.text[block.end : following.start].strip():
        return None
    source = str(following.lexemes["source"])
    if not source.startswith(OUTPUT_HEADER + "\n"):
        return None
    return source[len(OUTPUT_HEADER) + 1 :]


def _marked_no_run(document: Document, block: Region) -> bool:
    before = document.text[: block.start].rstrip("\n").rsplit("\n", 1)[-1]
    return before.strip() == NO_RUN


def parse_examples(document: Document) -> Iterator[Region]:
    """The Sybil parser: a region per python block, with its run flag and expected output.

    Raises:
        MarkdownError: An unclosed fence or an unknown ``xaccess-doc`` option.
    """
    options(document)
    blocks = fenced_blocks(document)
    for index, block in enumerate(blocks):
        if _tag(block) not in PYTHON_TAGS:
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        run = not _marked_no_run(document, block)
        expected = _expected_output(document, block, following) if run else None
        snippet = Snippet(source=block.lexemes["source"], run=run, expected_output=expected)
        yield Region(
            block.start,
            block.end,
            parsed=snippet,
            evaluator=evaluate_example if run else None,
            lexemes=block.lexemes,
        )


def options(document: Document) -> frozenset[str]:
    """Read ``xaccess-doc`` options from the HTML comments heading the file."""
    found_options: set[str] = set()
    for number, line in enumerate(document.text.splitlines(), start=1):
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
                msg = f"{document.path}:{number}: unknown xaccess-doc option(s) {sorted(unknown)}"
                raise MarkdownError(msg)
            found_options |= found
    return frozenset(found_options)


def evaluate_example(example: Example) -> str | None:
    """The Sybil evaluator: run the block; with a ``# output`` block, compare what it printed.

    Returns:
        ``None`` when the block ran (and printed what it claims), else what went wrong.
    """
    snippet: Snippet = example.parsed
    # Leading newlines make tracebacks point at the Markdown file's own lines.
    source = "\n" * example.line + str(snippet.source)
    code = compile(source, example.path, "exec", dont_inherit=True)
    printed = io.StringIO()
    capture = (
        contextlib.redirect_stdout(printed)
        if snippet.expected_output is not None
        else contextlib.nullcontext()
    )
    with capture:
        exec(code, example.namespace)  # noqa: S102 - running the examples is the point
    if snippet.expected_output is None:
        return None
    actual = printed.getvalue().rstrip("\n")
    expected = snippet.expected_output.rstrip("\n")
    if actual == expected:
        return None
    return (
        "printed something other than its # output block:\n"
        f"--- expected\n{expected}\n--- printed\n{actual}"
    )


def parse_markdown(text: str, name: str) -> Document:
    """Parse Markdown ``text`` (the file ``name``) into a Sybil document of its examples.

    Raises:
        MarkdownError: An unclosed fence or an unknown ``xaccess-doc`` option.
    """
    document = Document(text, name)
    for region in parse_examples(document):
        document.add(region)
    return document


def load(path: Path) -> Document:
    """Parse the Markdown file at ``path``, named relative to the repository root."""
    return parse_markdown(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())


def examples(document: Document) -> list[Example]:
    """The python blocks of ``document``, in file order."""
    return list(document.examples())


@contextlib.contextmanager
def _aws_sandbox(monkeypatch: pytest.MonkeyPatch, home: Path) -> Iterator[None]:
    """Fake credentials and an in-process moto backend for every AWS call."""
    # moto and boto3 are only needed by such pages.
    from moto import mock_aws  # noqa: PLC0415

    from tests.support import fake_aws_environment  # noqa: PLC0415

    fake_aws_environment(monkeypatch, home)
    # Examples attach AWS managed policies such as SecurityAudit, as real accounts can.
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

    with mock_aws():
        yield


def _failure(error: Exception) -> str:
    """The error and its traceback, starting in the Markdown file."""
    frames = error.__traceback__
    while frames is not None and frames.tb_frame.f_code.co_filename == __file__:
        frames = frames.tb_next
    return f"{type(error).__name__}:\n" + "".join(
        traceback.format_exception(type(error), error, frames)
    )


def run_examples(document: Document, *, monkeypatch: pytest.MonkeyPatch, workdir: Path) -> int:
    """Run the python blocks of ``document`` in order in one namespace; return how many ran.

    The blocks run in a module of their own (registered in ``sys.modules`` while they
    run, so classes they define behave as usual) with ``workdir`` as the current
    directory. A failing block fails the test with its file and line.
    """
    module = types.ModuleType("xaccess_doc_example")
    module.__file__ = str(ROOT / document.path)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.chdir(workdir)
    document.namespace = module.__dict__
    ran = 0
    with contextlib.ExitStack() as stack:
        if "mock_aws" in options(document):
            stack.enter_context(_aws_sandbox(monkeypatch, workdir))
        for number, example in enumerate(examples(document), start=1):
            snippet: Snippet = example.parsed
            if not snippet.run:
                continue
            where = f"{document.path}:{example.line + 1} (python block {number})"
            try:
                example.evaluate()
            except SybilFailure as failure:  # what evaluate_example reported
                pytest.fail(f"{where} {failure.result}", pytrace=False)
            except Exception as error:  # noqa: BLE001 - any error in an example fails the test
                pytest.fail(f"{where} raised {_failure(error)}", pytrace=False)
            ran += 1
    return ran


def _documented_files() -> list[Path]:
    """README.md always, plus every docs page with a python block or a parse error."""
    files = [README]
    for path in sorted(DOCS.rglob("*.md")):
        if "_build" in path.relative_to(DOCS).parts:
            continue
        try:
            has_examples = bool(examples(load(path)))
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
    found = examples(document)
    assert found, f"{document.path} has no ```python example to run"

    ran = run_examples(document, monkeypatch=monkeypatch, workdir=tmp_path)

    assert sum(example.parsed.run for example in found) == ran


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


def _tags(text: str) -> list[str]:
    """The tags of the top-level fenced blocks of a snippet (fences written as ~~~)."""
    return [_tag(block) for block in fenced_blocks(Document(text.replace("~~~", "```"), "x.md"))]


def test_parser_extracts_python_blocks_with_their_first_line() -> None:
    """Python blocks are extracted with the line number of their first code line."""
    document = _example("# Title\n\n~~~python\nx = 1\n~~~\n\ntext\n\n~~~py\ny = x\n~~~\n")

    assert [(3 + 1, "x = 1\n"), (9 + 1, "y = x\n")] == [
        (example.line + 1, str(example.parsed.source)) for example in examples(document)
    ]


def test_parser_ignores_console_bash_json_and_text_blocks() -> None:
    """Only python-tagged blocks count as examples."""
    text = (
        "~~~console\n$ xaccess demo\n~~~\n~~~bash\nls\n~~~\n~~~json\n{}\n~~~\n"
        "~~~text\nhello\n~~~\n~~~\nplain\n~~~\n"
    )

    assert ["console", "bash", "json", "text", ""] == _tags(text)
    assert [] == examples(_example(text))


def test_parser_keeps_longer_and_tilde_fences_intact() -> None:
    """A fence closes only on the same character at least as long, so nested fences survive."""
    text = "````markdown\n```python\nx = 1\n```\n````\n~~~~python\ny = 2\n~~~~\n"
    document = parse_markdown(text, "nested.md")

    assert ["markdown", "python"] == [
        _tag(block) for block in fenced_blocks(Document(text, "nested.md"))
    ]
    assert ["y = 2\n"] == [str(example.parsed.source) for example in examples(document)]


def test_parser_dedents_blocks_indented_in_lists() -> None:
    """A fence indented inside a list item has that indentation removed from its code."""
    document = _example("- step:\n\n  ~~~python\n  if True:\n      x = 1\n  ~~~\n")

    assert "if True:\n    x = 1\n" == str(examples(document)[0].parsed.source)


def test_no_run_marker_skips_only_the_next_block() -> None:
    """`<!-- no-run -->` right before a fence marks that block, and only it, as not run."""
    document = _example("<!-- no-run -->\n~~~python\nboom()\n~~~\n\n~~~python\nx = 1\n~~~\n")

    assert [False, True] == [example.parsed.run for example in examples(document)]


def test_output_block_is_attached_to_the_python_block_before_it() -> None:
    """A following text block starting with `# output` becomes the expected output."""
    document = _example("~~~python\nprint(1)\n~~~\n\n~~~text\n# output\n1\n~~~\n")

    assert "1\n" == examples(document)[0].parsed.expected_output


def test_output_block_after_prose_is_not_attached() -> None:
    """A `# output` block separated from the python block by prose is just text."""
    document = _example("~~~python\nprint(1)\n~~~\nthen\n~~~text\n# output\n1\n~~~\n")

    assert examples(document)[0].parsed.expected_output is None


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

    assert (frozenset({"mock_aws"}), frozenset()) == (options(top), options(below))


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
