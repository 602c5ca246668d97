"""Run the ``xaccess`` command line as ``python -m xaccess``."""

from xaccess.cli import main

raise SystemExit(main())
