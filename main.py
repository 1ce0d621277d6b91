"""Double-click target: starts the ShopCRM window."""

from shopcrm.app import main

if __name__ == "__main__":
    raise SystemExit(main())
