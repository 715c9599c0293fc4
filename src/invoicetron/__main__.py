from invoicetron.cli import main

raise SystemExit(main())
