from officebook.cli import main

main()
