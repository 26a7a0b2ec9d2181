"""What site template lines (``clean-corpus --site-lines``) add, on WCXB sites with several pages.

    python benchmarks/site_lines.py --data ../shared/data/wcxb-dev

Trains a model on the pages of single-page sites only, then scores the pages of the sites with
two or more pages, with and without dropping the lines that occur on most of a site's pages
(counted over those pages, as the corpus command does).  WCXB has few such sites, so the
figures say how the mechanism behaves, not what it gives on a real crawl, where a site has
hundreds of pages.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "wcxb-dev"))
    parser.add_argument("--kind", choices=("html", "text", "both"), default="both")
    parser.add_argument("--share", type=float, default=0.5)
    parser.add_argument("--min-pages", type=int, default=2)
    args = parser.parse_args(argv)

    from corpus.sitelines import SiteLineCounter, line_keys
    from model import BoilerplateClassifier
    from training.evaluate import featurize, scorer_for
    from training.pages import load_pages
    from training.train import train

    pages = load_pages([args.data], kind=args.kind, progress=True)
    domain = pages.pages["domain"].to_numpy()
    kinds = pages.pages["kind"].to_numpy()
    # pages per site, counted once per kind
    per_site = {d: int(((domain == d) & (kinds == kinds[0])).sum()) for d in set(domain)}
    multi = np.array([per_site[d] >= 2 for d in domain])
    print(f"{int(multi.sum() / len(set(kinds)))} pages on {sum(n >= 2 for n in per_site.values())} sites with "
          f"2+ pages; training on the {int((~multi).sum() / len(set(kinds)))} pages of single-page sites")
    clf, _, _ = train(pages.subset(~multi), BoilerplateClassifier(), holdout=0.2, refit=True, progress=True,
                      log=lambda m: None)
    test = pages.subset(multi)
    keep = clf.predict(featurize(test)) == "content"
    page_of = test.blocks["page"].to_numpy()
    texts = test.blocks["text"].tolist()
    for kind in sorted(set(test.pages["kind"])):
        counter = SiteLineCounter(width=1 << 18)
        ids = np.flatnonzero(test.pages["kind"].to_numpy() == kind)
        for p in ids:
            rows = np.flatnonzero(page_of == p)
            site = test.pages["domain"].iloc[p]
            counter.add_page(site, line_keys(site, [texts[r] for r in rows]))
        dropped = keep.copy()
        for p in ids:
            rows = np.flatnonzero(page_of == p)
            site = test.pages["domain"].iloc[p]
            template = counter.template_lines(site, [texts[r] for r in rows], args.share, args.min_pages)
            dropped[rows[template]] = False
        subset = test.pages["kind"].to_numpy() == kind
        block_mask = subset[page_of]
        part = test.subset(subset)
        scorer = scorer_for(part)
        base = scorer.score(keep[block_mask])[2].mean()
        sited = scorer.score(dropped[block_mask])[2].mean()
        removed = int((keep[block_mask] & ~dropped[block_mask]).sum())
        print(f"{kind}: {len(part)} pages, mean word F1 {base:.4f} without site lines, {sited:.4f} with "
              f"({sited - base:+.4f}); {removed} kept blocks dropped as template lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
