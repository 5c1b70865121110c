from goschedlab.cli import main

main()
