"""Check the format stage's two shortcuts on a whole corpus: black's output must not change.

For every spec of the corpus: render the package, split each file into the
blocks the format stage formats, and format every block with black, then:

- the pre-shaping pass (format/preshape.py): every block the pass reshapes is
  formatted with and without it. A difference is a bug in the pass (it costs
  nothing but time in production, since black has the last word, but the pass
  exists to spare black work). Also reports how many blocks black leaves
  unchanged after the pass: those are formatted in one pass, without a search
  for where to split.
- docstring masking (format/docmask.py): every block with docstrings masked is
  formatted masked, and the docstrings put back. A difference means wrong
  bytes in production, where black never sees a masked docstring; a block
  whose placeholders do not come back costs a second formatting only.

    python scripts/preshape_check.py [--corpus DIR] [--jobs N]

Not part of ``make test``: it triples black's time over the corpus (minutes).
tests/format/test_preshape.py and tests/format/test_docmask.py run the same comparisons on
every golden case.
"""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "specs" / "twilio"
sys.path.insert(0, str(ROOT))


def _blocks(spec: str) -> list[str]:
    from generator.ir.build import build_api
    from generator.format.files import _needs_black, split_blocks
    from generator.load.loader import load_spec
    from generator.render.package import environment, render

    out: list[str] = []
    for path, source in render(build_api(load_spec(spec)), environment()).items():
        if _needs_black(path):
            out += [text for _, text in split_blocks(source) or [(0, source)]]
    return out


def _check(blocks: list[str]) -> tuple[int, int, list[str], int, int, list[str]]:
    import black

    from generator.format.docmask import unmask
    from generator.format.files import black_mode, format_block, masked_blocks
    from generator.format.preshape import preshape

    shaped = stable = masked = returned = 0
    differences: list[str] = []
    mask_differences: list[str] = []
    for block in blocks:
        after = preshape(block)
        if after != block:
            shaped += 1
            want = black.format_str(block, mode=black_mode())
            if black.format_str(after, mode=black_mode()) != want:
                differences.append(block)
        else:
            want = black.format_str(block, mode=black_mode())
        stable += after == want
        split = masked_blocks(block, 88)
        if split is None or len(split) != 1 or not split[0][2]:
            continue
        masked += 1
        got = unmask(format_block((split[0][1], 88)), split[0][2])
        if got is not None:
            returned += 1
            if got != format_block((block, 88)):
                mask_differences.append(block)
    return shaped, stable, differences, masked, returned, mask_differences


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    specs = sorted(str(p) for p in args.corpus.glob("*.yaml"))
    if not specs:
        print(f"no specs in {args.corpus}", file=sys.stderr)
        return 2
    with ProcessPoolExecutor(args.jobs) as pool:
        unique = sorted({block for blocks in pool.map(_blocks, specs) for block in blocks})
        chunks = [unique[i :: args.jobs * 4] for i in range(args.jobs * 4)]
        results = list(pool.map(_check, chunks))
    shaped = sum(r[0] for r in results)
    stable = sum(r[1] for r in results)
    differences = [block for r in results for block in r[2]]
    masked = sum(r[3] for r in results)
    returned = sum(r[4] for r in results)
    mask_differences = [block for r in results for block in r[5]]
    print(
        f"{len(specs)} specs, {len(unique)} unique blocks: {shaped} reshaped, "
        f"{stable} left unchanged by black after the pass, {len(differences)} differences; "
        f"{masked} with docstrings masked, {returned} of them took their docstrings back, "
        f"{len(mask_differences)} differences"
    )
    for block in differences[:5]:
        print("--- black formats this block differently after the pass:\n" + block[:2000])
    for block in mask_differences[:5]:
        print("--- black formats this block differently with its docstrings masked:\n" + block[:2000])
    return 1 if differences or mask_differences else 0


if __name__ == "__main__":
    sys.exit(main())
