# SPDX-License-Identifier: GPL-2.0-or-later
SMTJCAT := $(O)/utils/smtjcat/smtjcat
TOOLS += $(SMTJCAT)

$(SMTJCAT): $(O)/utils/smtjcat/smtjcat.o $(TOOL_COMMON_OBJS) $(TOOL_LIBSMTJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(SMTJ_LDLIBS)
