# SPDX-License-Identifier: GPL-2.0-or-later
#
# libsmtj: devices, transports, noise sources, statistics.

SMTJ_SRCS := $(wildcard lib/smtj/*.c)
SMTJ_OBJS := $(patsubst %.c,$(O)/%.o,$(SMTJ_SRCS))
LIBSMTJ_A := $(O)/lib/libsmtj.a
LIBSMTJ_SO := $(O)/lib/libsmtj.so
LIBSMTJ_PC := $(O)/lib/pkgconfig/libsmtj.pc
SMTJ_LDLIBS := -luring -lfftw3 -lm
PREFIX ?= /usr/local

LIBS += $(LIBSMTJ_A) $(LIBSMTJ_SO) $(LIBSMTJ_PC)

# The noise loops are the hot path of training: -O3.
$(SMTJ_OBJS): OPT := -O3 -g
# sim.c compiles the kernel's shared junction model verbatim.
$(O)/lib/smtj/sim.o: CPPFLAGS += -I$(TOP)/kernel

$(LIBSMTJ_A): $(SMTJ_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

# The shared library exports exactly the functions of the public header
# (internal helpers stay local): a version script made from libsmtj.h.
LIBSMTJ_MAP := $(O)/lib/libsmtj.map
$(LIBSMTJ_MAP): lib/include/libsmtj.h
	@mkdir -p $(dir $@)
	{ echo 'LIBSMTJ_0 {'; echo ' global:'; \
	  sed -n 's/^[a-z].*[ *]\(smtj_[a-z0-9_]*\)(.*/  \1;/p' $<; \
	  echo ' local: *;'; echo '};'; } >$@

$(LIBSMTJ_SO): $(SMTJ_OBJS) $(LIBSMTJ_MAP)
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libsmtj.so.0 -Wl,--version-script=$(LIBSMTJ_MAP) \
		-o $@ $(SMTJ_OBJS) $(SMTJ_LDLIBS)
	ln -sf libsmtj.so $(dir $@)libsmtj.so.0	# the soname, for the loader

$(LIBSMTJ_PC): lib/smtj/smtj.mk lib/include/libsmtj.h
	@mkdir -p $(dir $@)
	@v=$$(sed -n 's/^#define LIBSMTJ_VERSION_\(MAJOR\|MINOR\) //p' lib/include/libsmtj.h | paste -sd.); \
	printf '%s\n' "prefix=$(PREFIX)" 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include' '' \
	  'Name: libsmtj' 'Description: sMTJ noise devices, noise sources and statistics' \
	  "Version: $$v" 'Libs: -L$${libdir} -lsmtj' 'Libs.private: $(SMTJ_LDLIBS)' \
	  'Cflags: -I$${includedir}' >$@
