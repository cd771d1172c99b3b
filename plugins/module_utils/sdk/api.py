# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SDKAPI: the z/VM Cloud Connector SDK's API, over SMAPI directly.

    from ansible_collections.zvm.cloud.plugins.module_utils.sdk.api import SDKAPI
    sdk = SDKAPI(host='zvm1', userid='MAINT', password='...', tls=True)
    sdk.guest_create('LINUX01', 2, 4096, disk_list=[{'size': '10G', 'disk_pool': 'ECKD:POOL1',
                                                      'is_boot_disk': True}])
    sdk.guest_start('LINUX01')

Methods keep zvmsdk's names, parameters and return shapes.  The state
comes from the z/VM directory and CP, never from a local database, so
guests made by other tools are handled like our own.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zvm.cloud.plugins.module_utils.sdk.base import SDKBase
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.firstboot import FirstBootMixin
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.guest import GuestMixin
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.host import HostMixin
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.image import ImageMixin
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.network import NetworkMixin
from ansible_collections.zvm.cloud.plugins.module_utils.sdk.volume import VolumeMixin


class SDKAPI(GuestMixin, HostMixin, NetworkMixin, ImageMixin, VolumeMixin, FirstBootMixin, SDKBase):
    """The SDK over one SMAPI connection profile (see ``SDKBase``)."""
