"""The command line: `dispo demo|synth|import|export|forecast`."""
