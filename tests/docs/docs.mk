# SPDX-License-Identifier: GPL-2.0-or-later
#
# The documentation parses and the tree cites nothing outside it (part of
# make check-static).

STATIC_CHECKS += docs-rst docs-man docs-self-contained
.PHONY: docs-rst docs-man docs-self-contained

docs-rst docs-man: docs-%:
	@$(TOP)/tests/docs/check-docs.sh $*

docs-self-contained:
	@$(TOP)/tests/docs/check-self-contained.sh
