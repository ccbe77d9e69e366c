# SPDX-License-Identifier: GPL-2.0-or-later
#
# common/: the integer cores that smtj.ko (kernel/Kbuild) and userspace both
# compile.  Userspace objects of them land in $(O)/common/; the libraries,
# host tests and benchmarks link the ones they need.

COMMON_CPPFLAGS := -I$(TOP)/common
COMMON_XOSHIRO_SRCS := common/smtj_xoshiro.c
COMMON_MODEL_SRCS := common/smtj_model.c $(COMMON_XOSHIRO_SRCS)
# smtj_sha256_host.c: userspace only; smtj.ko has the kernel's SHA-256
COMMON_HWRNG_SRCS := common/smtj_health.c common/smtj_extract.c \
	common/smtj_entropy_online.c \
	common/smtj_sha256_host.c
COMMON_MODEL_OBJS := $(patsubst %.c,$(O)/%.o,$(COMMON_MODEL_SRCS))
COMMON_HWRNG_OBJS := $(patsubst %.c,$(O)/%.o,$(COMMON_HWRNG_SRCS))

# The model is the hot loop of the simulator noise source: -O3, as libsmtj.
$(O)/common/%.o: OPT := -O3 -g
$(O)/common/%.o: CPPFLAGS += $(COMMON_CPPFLAGS)
