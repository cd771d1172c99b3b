# -*- coding: utf-8 -*-
# Copyright: Contributors to the zvm.cloud project
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FCP volumes: the values a volume is made of (``values``) and the
scripts that configure it inside the guest (``script``)."""
