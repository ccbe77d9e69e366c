# SPDX-License-Identifier: GPL-2.0-or-later
#
# Installing without dpkg (Documentation/admin-guide/smtj-install.rst):
#
#   make install     libraries (shared, with soname links, and static),
#                    headers, pkg-config files, tools, man pages, the udev
#                    rule and the sysusers.d entry for group smtj
#   make uninstall   removes exactly those files
#   make install-dkms    module source and dkms.conf in DKMS_SRCDIR
#   make modules_install the module built for KVER (or KDIR), installed
#                    under /lib/modules/<kver>/updates/ by kbuild
#
# All honour DESTDIR; PREFIX, BINDIR, LIBDIR, INCLUDEDIR, MANDIR and
# PKGCONFIGDIR are set in ../Makefile.  udev and systemd-sysusers read
# only /etc and /usr/lib, so their files go to /etc unless PREFIX is /usr.
# With no DESTDIR, install as root also creates group smtj and reloads
# udev's rules; uninstall leaves the group (groupdel smtj removes it).

SYSCONF_OR_USRLIB = $(if $(filter /usr,$(PREFIX)),/usr/lib,/etc)
UDEVRULESDIR ?= $(SYSCONF_OR_USRLIB)/udev/rules.d
SYSUSERSDIR  ?= $(SYSCONF_OR_USRLIB)/sysusers.d
DKMS_SRCDIR  ?= /usr/src/smtj-$(VERSION)
INSTALL ?= install

# What `make install` puts where: "SOURCE DIRECTORY MODE" per entry.
SMTJ_LIBNAMES := libsmtj libdanp
SMTJ_MANPAGES := $(wildcard Documentation/man/*.[1-8])
INSTALL_FILES = \
	$(foreach t,$(TOOLS),$(t):$(BINDIR):755) \
	$(foreach l,$(SMTJ_LIBNAMES),$(O)/lib/$(l).so.$(VERSION):$(LIBDIR):755 \
		$(O)/lib/$(l).a:$(LIBDIR):644 lib/include/$(l).h:$(INCLUDEDIR):644) \
	include/uapi/linux/smtj.h:$(INCLUDEDIR)/linux:644 \
	$(foreach m,$(SMTJ_MANPAGES),$(m):$(MANDIR)/man$(subst .,,$(suffix $(m))):644) \
	packaging/60-smtj.rules:$(UDEVRULESDIR):644 \
	packaging/smtj.sysusers:$(SYSUSERSDIR):644
# Names made by install itself, not copied: soname and development links,
# pkg-config files, the sysusers entry under its installed name.
INSTALL_MADE = \
	$(foreach l,$(SMTJ_LIBNAMES),$(LIBDIR)/$(l).so.$(VERSION_MAJOR) \
		$(LIBDIR)/$(l).so $(PKGCONFIGDIR)/$(l).pc) \
	$(SYSUSERSDIR)/smtj.conf
# Directories that only smtj uses: uninstall removes them when empty.
INSTALL_OWN_DIRS = $(INCLUDEDIR)/linux $(PKGCONFIGDIR) $(SYSUSERSDIR)

.PHONY: install uninstall install-dkms uninstall-dkms modules_install

install: libs tools
	@set -e; for e in $(INSTALL_FILES); do \
		IFS=: read -r src dir mode <<<"$$e"; \
		$(INSTALL) -d $(DESTDIR)$$dir; \
		$(INSTALL) -m $$mode $$src $(DESTDIR)$$dir/; \
	done
	@mv $(DESTDIR)$(SYSUSERSDIR)/smtj.sysusers $(DESTDIR)$(SYSUSERSDIR)/smtj.conf
	@set -e; for l in $(SMTJ_LIBNAMES); do \
		ln -sf $$l.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$$l.so.$(VERSION_MAJOR); \
		ln -sf $$l.so.$(VERSION_MAJOR) $(DESTDIR)$(LIBDIR)/$$l.so; \
	done
	$(call pc_file,$(DESTDIR)$(PKGCONFIGDIR)/libsmtj.pc,libsmtj,$(LIBSMTJ_DESC),$(SMTJ_LDLIBS))
	$(call pc_file,$(DESTDIR)$(PKGCONFIGDIR)/libdanp.pc,libdanp,$(LIBDANP_DESC),$(DANP_LDLIBS))
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then \
		getent group smtj >/dev/null || groupadd --system smtj; \
		command -v udevadm >/dev/null && udevadm control --reload || true; \
		command -v ldconfig >/dev/null && ldconfig || true; \
	fi

uninstall:
	rm -f $(foreach e,$(INSTALL_FILES),$(DESTDIR)$(word 2,$(subst :, ,$(e)))/$(notdir $(word 1,$(subst :, ,$(e))))) \
		$(addprefix $(DESTDIR),$(INSTALL_MADE)) \
		$(DESTDIR)$(SYSUSERSDIR)/smtj.sysusers
	@for d in $(INSTALL_OWN_DIRS); do \
		[ -d $(DESTDIR)$$d ] && rmdir --ignore-fail-on-non-empty $(DESTDIR)$$d; \
	done; true

# The module source as DKMS wants it: dkms.conf next to the out-of-tree
# entry point (Kbuild), kernel/, the cores of common/ and the UAPI header.
SMTJ_DKMS_FILES := Kbuild $(wildcard kernel/Kbuild kernel/Kconfig kernel/*.[ch] \
	common/*.[ch]) include/uapi/linux/smtj.h
install-dkms:
	@set -e; for f in $(SMTJ_DKMS_FILES); do \
		$(INSTALL) -D -m 644 $$f $(DESTDIR)$(DKMS_SRCDIR)/$$f; \
	done
	sed 's/@VERSION@/$(VERSION)/g' packaging/dkms.conf.in >$(DESTDIR)$(DKMS_SRCDIR)/dkms.conf
	chmod 644 $(DESTDIR)$(DKMS_SRCDIR)/dkms.conf

uninstall-dkms:
	rm -rf $(DESTDIR)$(DKMS_SRCDIR)

# kbuild's own modules_install (INSTALL_MOD_PATH is the DESTDIR), then
# depmod when installing into the running system.  Unsigned: a
# distribution's signing key is not on the machine (kbuild would fail to
# sign with it); under Secure Boot sign with an enrolled key, as DKMS does.
modules_install: $(SMTJ_KO)
	+$(SMTJ_KMAKE) M=$(SMTJ_KMOD) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=updates CONFIG_MODULE_SIG_ALL= modules_install
	@if [ -z "$(DESTDIR)" ]; then depmod -a $(SMTJ_KVER); fi
