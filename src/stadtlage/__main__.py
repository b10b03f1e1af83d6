from stadtlage.cli import main

main()
