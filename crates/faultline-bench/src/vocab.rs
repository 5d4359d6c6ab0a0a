//! Word lists the plant generator draws from: equipment types with their ISO 14224 class, makes
//! and models, CMMS codes, people, and the words technicians write in remedy notes.

pub struct EquipmentType {
    /// The type code inside a tag, as in `L03-PMP-01234`.
    pub code: &'static str,
    pub class: &'static str,
    pub nouns: &'static [&'static str],
    pub duties: &'static [&'static str],
    /// (manufacturer, model)
    pub models: &'static [(&'static str, &'static str)],
    pub problems: &'static [&'static str],
    pub weight: u32,
}

pub const TYPES: &[EquipmentType] = &[
    EquipmentType {
        code: "PMP",
        class: "Pumps",
        nouns: &[
            "Centrifugal pump",
            "Dosing pump",
            "Screw pump",
            "Vacuum pump",
        ],
        duties: &[
            "cooling water",
            "process water",
            "coolant return",
            "condensate",
            "glycol loop",
        ],
        models: &[
            ("Grundfos", "CR 32-4"),
            ("KSB", "Etanorm 065-040"),
            ("Sulzer", "AHLSTAR A22"),
            ("Netzsch", "NM045"),
        ],
        problems: &["LEAK", "NOISE", "VIB", "LOWFLOW", "OVERHEAT"],
        weight: 18,
    },
    EquipmentType {
        code: "MTR",
        class: "Electric motors",
        nouns: &["Induction motor", "Servo motor", "Geared motor"],
        duties: &[
            "main drive",
            "feed drive",
            "fan drive",
            "conveyor drive",
            "pump drive",
        ],
        models: &[
            ("Siemens", "1LE1001"),
            ("ABB", "M3BP 160"),
            ("WEG", "W22"),
            ("SEW", "DRN90L4"),
        ],
        problems: &["TRIP", "OVERHEAT", "NOSTART", "VIB", "NOISE"],
        weight: 22,
    },
    EquipmentType {
        code: "CMP",
        class: "Compressors",
        nouns: &["Screw compressor", "Piston compressor"],
        duties: &["plant air", "instrument air", "refrigeration"],
        models: &[
            ("Atlas Copco", "GA 37 VSD"),
            ("Kaeser", "ASD 40"),
            ("Ingersoll Rand", "R37i"),
        ],
        problems: &["OVERHEAT", "LOWPRESS", "LEAK", "TRIP"],
        weight: 4,
    },
    EquipmentType {
        code: "CNV",
        class: "Conveyors",
        nouns: &["Belt conveyor", "Roller conveyor", "Chain conveyor"],
        duties: &[
            "infeed",
            "outfeed",
            "transfer",
            "palletiser feed",
            "accumulation",
        ],
        models: &[
            ("Interroll", "RM 8310"),
            ("Dorner", "3200"),
            ("Flexlink", "XS"),
        ],
        problems: &["JAM", "MISTRACK", "NOISE", "BREAK"],
        weight: 14,
    },
    EquipmentType {
        code: "VLV",
        class: "Valves",
        nouns: &["Control valve", "Butterfly valve", "Solenoid valve"],
        duties: &["steam supply", "cooling water", "drain", "bypass", "dosing"],
        models: &[
            ("Samson", "3241"),
            ("Burkert", "6213"),
            ("Emerson", "Fisher GX"),
        ],
        problems: &["LEAK", "STUCK", "NOSIGNAL"],
        weight: 14,
    },
    EquipmentType {
        code: "FAN",
        class: "Fans",
        nouns: &["Exhaust fan", "Supply fan", "Cooling fan"],
        duties: &[
            "oven exhaust",
            "booth extraction",
            "panel cooling",
            "dust extraction",
        ],
        models: &[
            ("ebm-papst", "R3G 400"),
            ("Ziehl-Abegg", "ZN063"),
            ("Systemair", "AXC 500"),
        ],
        problems: &["VIB", "NOISE", "TRIP"],
        weight: 8,
    },
    EquipmentType {
        code: "GBX",
        class: "Gearboxes",
        nouns: &["Gearbox", "Worm gear unit"],
        duties: &["mixer drive", "conveyor head", "extruder drive"],
        models: &[
            ("Flender", "H2SH"),
            ("Nord", "SK 9032"),
            ("Bonfiglioli", "C 41"),
        ],
        problems: &["NOISE", "LEAK", "OVERHEAT", "VIB"],
        weight: 6,
    },
    EquipmentType {
        code: "HEX",
        class: "Heat exchangers",
        nouns: &["Plate heat exchanger", "Shell and tube exchanger"],
        duties: &["pasteuriser", "oil cooler", "CIP heating"],
        models: &[
            ("Alfa Laval", "M10"),
            ("GEA", "NT 100"),
            ("Kelvion", "NX25"),
        ],
        problems: &["LEAK", "FOULING", "LOWTEMP"],
        weight: 3,
    },
    EquipmentType {
        code: "CNC",
        class: "Machine tools",
        nouns: &["Vertical machining centre", "CNC lathe", "Grinding machine"],
        duties: &[
            "housings op 10",
            "shafts op 20",
            "flanges op 30",
            "finishing",
        ],
        models: &[
            ("DMG Mori", "DMU 50"),
            ("Mazak", "QTN 250"),
            ("Haas", "VF-2"),
            ("Studer", "S33"),
        ],
        problems: &["ALARM", "SPINDLE", "ATC", "COOLANT", "ACCURACY"],
        weight: 5,
    },
    EquipmentType {
        code: "RBT",
        class: "Robots",
        nouns: &["Handling robot", "Welding robot", "Palletising robot"],
        duties: &["cell 1", "cell 2", "end of line", "spot welding"],
        models: &[
            ("KUKA", "KR 210"),
            ("FANUC", "R-2000iC"),
            ("ABB", "IRB 6700"),
        ],
        problems: &["ALARM", "COLLISION", "GRIPPER", "ENCODER"],
        weight: 4,
    },
    EquipmentType {
        code: "PRS",
        class: "Presses",
        nouns: &["Hydraulic press", "Servo press"],
        duties: &["blanking", "forming", "assembly"],
        models: &[
            ("Schuler", "MSD 400"),
            ("Bihler", "GRM-NC"),
            ("Aida", "NC1-110"),
        ],
        problems: &["LEAK", "LOWPRESS", "ALARM", "OVERHEAT"],
        weight: 2,
    },
];

pub const AREAS: &[&str] = &[
    "Machining",
    "Assembly",
    "Packaging",
    "Utilities",
    "Paint shop",
    "Press shop",
    "Warehouse",
    "Boiler house",
    "Filling",
    "Mixing",
];

pub const REPORTERS: &[&str] = &[
    "P. Ferreira",
    "M. Kowalski",
    "A. Nguyen",
    "J. Schmidt",
    "L. Rossi",
    "S. Okafor",
    "K. Tanaka",
    "R. Haddad",
    "E. Johansson",
    "D. Murphy",
    "T. Berger",
    "N. Dubois",
    "operator",
    "shift lead",
];

pub const CAUSES: &[&str] = &[
    "WEAR", "MISALIGN", "LUBE", "CONTAM", "ELEC", "OPERATOR", "DESIGN", "FATIGUE",
];
pub const REMEDIES: &[&str] = &[
    "REPLACE",
    "ADJUST",
    "CLEAN",
    "REPAIR",
    "LUBRICATE",
    "RESET",
    "TIGHTEN",
];
pub const ISO_MODES: &[&str] = &[
    "ELP", "VIB", "NOI", "OHE", "FTS", "STP", "BRD", "ERO", "PDE", "UST",
];
pub const ISO_MECHANISMS: &[&str] = &[
    "1.1", "1.2", "1.3", "2.1", "2.2", "2.6", "3.1", "4.1", "4.3", "5.1",
];
pub const ISO_CAUSES: &[&str] = &[
    "1.1", "1.4", "2.2", "3.1", "4.1", "4.4", "5.1", "5.3", "6.1",
];

pub const PM_TASKS: &[&str] = &[
    "monthly inspection",
    "quarterly service",
    "lubrication round",
    "annual overhaul",
    "vibration route",
    "thermography survey",
    "filter change",
    "belt tension check",
    "safety check",
    "calibration",
];

/// Words a technician writes in the remedy note, roughly in the order they are used.
pub const REMEDY_VERBS: &[&str] = &[
    "replaced",
    "adjusted",
    "cleaned",
    "tightened",
    "realigned",
    "lubricated",
    "reset",
    "repaired",
    "checked",
    "topped up",
    "reseated",
    "swapped",
];
pub const REMEDY_OBJECTS: &[&str] = &[
    "mechanical seal",
    "bearing",
    "coupling",
    "drive belt",
    "fuse",
    "contactor",
    "proximity sensor",
    "encoder cable",
    "O-ring",
    "filter element",
    "oil",
    "grease nipple",
    "guard",
    "limit switch",
    "gasket",
    "impeller",
    "solenoid coil",
    "hose",
    "terminal",
    "chain",
];
pub const REMEDY_TAILS: &[&str] = &[
    "and tested ok",
    "ran for 30 min no leaks",
    "vibration back to normal",
    "handed back to production",
    "spare taken from stores",
    "ordered second spare",
    "monitor next shift",
    "root cause wear",
    "found loose",
    "per OEM manual",
    "torque to spec",
    "no further action",
    "cleared alarm",
    "checked rotation",
    "recorded readings",
];
pub const FILLER: &[&str] = &[
    "also",
    "then",
    "on",
    "the",
    "drive",
    "side",
    "after",
    "inspection",
    "with",
    "new",
    "old",
    "worn",
    "badly",
    "slightly",
    "at",
    "end",
    "of",
    "shift",
];
