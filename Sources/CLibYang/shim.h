// libyang 2 (Debian libyang2-dev): the YANG data validator of the simulator (docs/nxr-sim.md, "Validation").
#include <libyang/libyang.h>
