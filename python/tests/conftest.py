# SPDX-License-Identifier: GPL-2.0-or-later
"""The module under test is the one built from these sources: its
directory comes from SMTJ_PYTHON_DIR (set by python/python.mk), the tools
from SMTJ_TOOLS."""
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
_build = os.environ.get("SMTJ_PYTHON_DIR",
                        os.path.join(_here, "..", "..", "build", "host", "python"))
sys.path.insert(0, _build)
