"""The classifier and its persistence: ``load_model()`` gives the bundled default model.

    from model import load_model
    clf = load_model()
    print(clf.clean(open("page.html", "rb").read()))
"""

from .estimator import BOILERPLATE, CONTENT, BoilerplateClassifier, join_blocks, prepare_blocks
from .persistence import DEFAULT_MODEL, ModelError, load_model, read_metadata, save_model
from features.decode import Limits, PageError  # page limits; the error for a refused page

__all__ = [
    "BOILERPLATE", "CONTENT", "DEFAULT_MODEL", "BoilerplateClassifier", "ModelError", "join_blocks", "prepare_blocks",
    "load_model", "read_metadata", "save_model", "Limits", "PageError",
]
