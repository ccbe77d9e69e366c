# SPDX-License-Identifier: GPL-2.0-or-later
"""smtj.Device on the host, where there is no smtj device: the errors.
What the device does is tested against /dev/smtj0 by test_vm_device.py."""
import errno
import os

import pytest

import smtj


def test_missing_device_is_filenotfound_with_path():
    with pytest.raises(FileNotFoundError) as e:
        smtj.Device("/dev/smtj-no-such-device")
    assert "/dev/smtj-no-such-device" in str(e.value)


def test_index_names_dev_smtjN():
    with pytest.raises(OSError) as e:
        smtj.Device(987)
    assert "/dev/smtj987" in str(e.value)


def test_not_an_smtj_device_is_enotty():
    r, w = os.pipe()
    try:
        with pytest.raises(OSError) as e:
            smtj.Device(fd=r)
        assert e.value.errno == errno.ENOTTY
        assert "not an smtj device" in str(e.value)
    finally:
        os.close(r)
        os.close(w)


@pytest.mark.parametrize("kw", [dict(transport="carrier-pigeon"), dict(batch=0),
                                dict(path_or_index=-1)])
def test_bad_arguments_are_valueerror(kw):
    with pytest.raises(ValueError):
        smtj.Device(**kw)


def test_path_and_fd_together_refused():
    with pytest.raises(TypeError):
        smtj.Device("/dev/smtj0", fd=0)


def test_batch_cannot_be_made_directly():
    with pytest.raises(TypeError):
        smtj.Batch()
