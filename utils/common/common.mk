# SPDX-License-Identifier: GPL-2.0-or-later
#
# What the tools share (tool.h): linked into each of them.

TOOL_COMMON_OBJS := $(O)/utils/common/tool.o
