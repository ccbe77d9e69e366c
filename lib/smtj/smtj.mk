# SPDX-License-Identifier: GPL-2.0-or-later
#
# libsmtj: devices, transports, noise sources, statistics.

# The junction model and the generator come from common/ (common.mk).
SMTJ_SRCS := $(wildcard lib/smtj/*.c) $(COMMON_MODEL_SRCS)
SMTJ_OBJS := $(patsubst %.c,$(O)/%.o,$(SMTJ_SRCS))
LIBSMTJ_A := $(O)/lib/libsmtj.a
LIBSMTJ_SO := $(O)/lib/libsmtj.so
LIBSMTJ_PC := $(O)/lib/pkgconfig/libsmtj.pc
SMTJ_LDLIBS := -luring -lfftw3 -lm

LIBS += $(LIBSMTJ_A) $(LIBSMTJ_SO) $(LIBSMTJ_PC)

# The noise loops are the hot path of training: -O3.
$(SMTJ_OBJS): OPT := -O3 -g
$(SMTJ_OBJS): CPPFLAGS += $(COMMON_CPPFLAGS)

LIBSMTJ_DESC := sMTJ noise devices, noise sources and statistics
$(eval $(call library_rules,smtj,SMTJ))
