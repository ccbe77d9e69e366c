# SPDX-License-Identifier: GPL-2.0-or-later
SMTJCTL := $(O)/utils/smtjctl/smtjctl
TOOLS += $(SMTJCTL)

$(SMTJCTL): $(O)/utils/smtjctl/smtjctl.o $(TOOL_LIBSMTJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(SMTJ_LDLIBS)
