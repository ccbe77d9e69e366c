# SPDX-License-Identifier: GPL-2.0-or-later
SMTJSTAT := $(O)/utils/smtjstat/smtjstat
TOOLS += $(SMTJSTAT)

$(SMTJSTAT): $(O)/utils/smtjstat/smtjstat.o $(O)/utils/smtjstat/entropy.o $(TOOL_COMMON_OBJS) $(TOOL_LIBSMTJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(SMTJ_LDLIBS)
