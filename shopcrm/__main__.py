from shopcrm.cli import main

raise SystemExit(main())
