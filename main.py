"""Double-click target: starts the ShopCRM window."""

from shopcrm.ui.app import main

if __name__ == "__main__":
    raise SystemExit(main())
