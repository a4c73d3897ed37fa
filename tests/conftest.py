"""Shared pytest fixtures for every test folder.

- The checkout is made importable as ``ansible_collections.amiforge.imagebuilder`` through a
  link under ``.build/collections`` (the same one the Makefile makes), so tests import the
  collection's code exactly as Ansible does.
- ``shared_dir`` / ``corpus_dir`` point at ``../shared`` beside the clone (CI has it); tests that
  need it are skipped, with the reason, when it is absent.
"""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
LINK = os.path.join(COLLECTIONS, "ansible_collections", "amiforge", "imagebuilder")


def _ensure_collection_link():
    os.makedirs(os.path.dirname(LINK), exist_ok=True)
    if os.path.realpath(LINK) != os.path.realpath(ROOT):
        if os.path.islink(LINK):
            os.unlink(LINK)
        os.symlink(ROOT, LINK)
    if COLLECTIONS not in sys.path:
        sys.path.insert(0, COLLECTIONS)
    os.environ.setdefault("ANSIBLE_COLLECTIONS_PATH", COLLECTIONS)


_ensure_collection_link()

SHARED_DIR = os.environ.get("AMIFORGE_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))


@pytest.fixture(scope="session")
def repo_root():
    return ROOT


@pytest.fixture(scope="session")
def shared_dir():
    if not os.path.isdir(SHARED_DIR):
        pytest.skip("../shared is not beside this clone (set AMIFORGE_SHARED to point at it)")
    return SHARED_DIR


@pytest.fixture(scope="session")
def corpus_dir(shared_dir):
    path = os.path.join(shared_dir, "corpus", "component-documents")
    if not os.path.isdir(path):
        pytest.skip("%s is missing" % path)
    return path
