# SPDX-License-Identifier: GPL-2.0-or-later
SMTJCTL := $(O)/utils/smtjctl/smtjctl
TOOLS += $(SMTJCTL)

SMTJCTL_OBJS := $(O)/utils/smtjctl/smtjctl.o $(TOOL_COMMON_OBJS)
$(SMTJCTL): $(SMTJCTL_OBJS) $(TOOL_LIBSMTJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(SMTJ_LDLIBS)
