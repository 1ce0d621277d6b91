"""ShopCRM — customer relationship management for small shops.

Everything in this package except ``shopcrm.ui`` and ``shopcrm.ui.app`` is plain Python and
never imports Qt (enforced by tests/test_layers.py).
"""

__version__ = "0.1.0"
APP_NAME = "ShopCRM"
