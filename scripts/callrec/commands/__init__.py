"""One module per ``callrec`` subcommand; see callrec.cli for the contract."""
