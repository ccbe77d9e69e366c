# SPDX-License-Identifier: GPL-2.0-or-later
#
# The documentation parses (part of make check-static).

STATIC_CHECKS += docs-rst docs-man
.PHONY: docs-rst docs-man

docs-rst docs-man: docs-%:
	@$(TOP)/tests/docs/check-docs.sh $*
