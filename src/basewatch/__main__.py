from basewatch.cli.main import main

main()
