#!/usr/bin/env python3
"""Generate the Faultline demo plant: "Riverside Components", site PLANT1.

This script is the only source of the demo data. It writes, next to itself:
  failure_codes.csv  Maximo-style failure catalogue (class -> problem -> cause -> remedy) and
                     ISO 14224 failure modes (per equipment class), mechanisms and causes
  assets.csv         41 assets on 4 functional locations (machining, assembly, pack-out, utilities)
  work_orders.csv    2024-09-01 .. 2026-11-20: breakdowns, corrective and preventive work orders
  fault_events.csv   alarms shown by the machines or reported by operators
  production.csv     production counts per line and shift for OEE (the last 26 weeks)
  manuals/*.pdf      the OEM-style manuals of the VX-300 drives, the NSC compressors and the
                     KM-600 machining centres (generate_manuals.py, written by tiny_pdf.py)
Each CSV has a hand-written import mapping beside it (same name, .toml; see docs/import-mapping.md).

Run it with `python3 assets/demo/generate.py`. Python 3 standard library only, a fixed random
seed, no clock, no hash()-dependent ordering: two runs write byte-identical files.
Everything here is invented (companies, models, people, serial numbers); nothing is copied from
any real data set or manual.
"""

import csv
import math
import os
import random
import sys
from datetime import date, datetime, timedelta

SEED = 14224
START = datetime(2024, 9, 1)
NOW = datetime(2026, 11, 20, 10, 0, 0)  # the demo's "now": nothing happens after it
OUT = os.path.dirname(os.path.abspath(__file__))
FMT = "%Y-%m-%dT%H:%M:%S"

rng = random.Random(SEED)

# --------------------------------------------------------------------------------------------
# Equipment classes (ISO 14224 names) and Maximo failure classes
# --------------------------------------------------------------------------------------------
ISO_CLASS = {  # Maximo failure class -> ISO 14224 equipment class name used in assets.csv
    "PUMP": "Pumps",
    "COMPRESSOR": "Compressors",
    "MOTOR": "Electric motors",
    "VFD": "Frequency converters",
    "CONVEYOR": "Conveyors and elevators",
    "ROBOT": "Industrial robots",
    "CNC": "Machine tools",
}
CLASS_DESC = {
    "PUMP": "Centrifugal pumps",
    "COMPRESSOR": "Rotary screw air compressors",
    "MOTOR": "LV induction motors",
    "VFD": "Variable frequency drives (VFD)",
    "CONVEYOR": "Belt, roller and chip conveyors",
    "ROBOT": "6-axis industrial robots",
    "CNC": "CNC machining and turning centres",
}

ISO_MODE_DESC = {
    "AIR": "Abnormal instrument reading",
    "BRD": "Breakdown",
    "ELP": "External leakage - process medium",
    "ELU": "External leakage - utility medium",
    "ERO": "Erratic output",
    "FTS": "Fail to start on demand",
    "HIO": "High output",
    "INL": "Internal leakage",
    "LOO": "Low output",
    "NOI": "Noise",
    "OHE": "Overheating",
    "PDE": "Parameter deviation",
    "PLU": "Plugged/choked",
    "SER": "Minor in-service problems",
    "STD": "Structural deficiency",
    "STP": "Fail to stop on demand",
    "UST": "Spurious stop",
    "VIB": "Vibration",
    "OTH": "Other",
    "UNK": "Unknown",
}
_ROTATING = ["FTS", "STP", "UST", "BRD", "ELP", "ELU", "INL", "HIO", "LOO", "ERO", "VIB", "NOI",
             "OHE", "PDE", "PLU", "AIR", "STD", "SER", "OTH", "UNK"]
ISO_MODES = {
    "Pumps": _ROTATING,
    "Compressors": _ROTATING,
    "Electric motors": ["FTS", "STP", "UST", "BRD", "LOO", "VIB", "NOI", "OHE", "PDE", "AIR", "STD",
                        "SER", "OTH", "UNK"],
    "Frequency converters": ["FTS", "STP", "UST", "BRD", "ERO", "OHE", "NOI", "PDE", "AIR", "STD",
                             "SER", "OTH", "UNK"],
    "Conveyors and elevators": ["FTS", "STP", "UST", "BRD", "ERO", "LOO", "ELU", "VIB", "NOI", "OHE",
                                "PDE", "AIR", "STD", "SER", "OTH", "UNK"],
    "Industrial robots": ["FTS", "STP", "UST", "BRD", "ERO", "VIB", "NOI", "OHE", "PDE", "AIR", "STD",
                          "SER", "OTH", "UNK"],
    "Machine tools": ["FTS", "STP", "UST", "BRD", "ERO", "LOO", "ELU", "VIB", "NOI", "OHE", "PDE",
                      "AIR", "STD", "SER", "OTH", "UNK"],
}

# ISO 14224 failure mechanisms (groups and subdivisions)
ISO_MECHANISMS = [
    ("1", None, "Mechanical failure"),
    ("1.0", "1", "Mechanical failure - general"),
    ("1.1", "1", "Leakage"),
    ("1.2", "1", "Vibration"),
    ("1.3", "1", "Clearance/alignment failure"),
    ("1.4", "1", "Deformation"),
    ("1.5", "1", "Looseness"),
    ("1.6", "1", "Sticking"),
    ("2", None, "Material failure"),
    ("2.0", "2", "Material failure - general"),
    ("2.1", "2", "Cavitation"),
    ("2.2", "2", "Corrosion"),
    ("2.3", "2", "Erosion"),
    ("2.4", "2", "Wear"),
    ("2.5", "2", "Breakage"),
    ("2.6", "2", "Fatigue"),
    ("2.7", "2", "Overheating"),
    ("2.8", "2", "Burst"),
    ("3", None, "Instrument failure"),
    ("3.0", "3", "Instrument failure - general"),
    ("3.1", "3", "Control failure"),
    ("3.2", "3", "No signal/indication/alarm"),
    ("3.3", "3", "Faulty signal/indication/alarm"),
    ("3.4", "3", "Out of adjustment"),
    ("3.5", "3", "Software failure"),
    ("3.6", "3", "Common cause/mode failure"),
    ("4", None, "Electrical failure"),
    ("4.0", "4", "Electrical failure - general"),
    ("4.1", "4", "Short circuiting"),
    ("4.2", "4", "Open circuit"),
    ("4.3", "4", "No power/voltage"),
    ("4.4", "4", "Faulty power/voltage"),
    ("4.5", "4", "Earth/isolation fault"),
    ("5", None, "External influence"),
    ("5.0", "5", "External influence - general"),
    ("5.1", "5", "Blockage/plugged"),
    ("5.2", "5", "Contamination"),
    ("5.3", "5", "Miscellaneous external influences"),
    ("6", None, "Miscellaneous"),
    ("6.0", "6", "Miscellaneous - general"),
    ("6.1", "6", "No cause found"),
    ("6.2", "6", "Combined causes"),
    ("6.3", "6", "Other"),
    ("6.4", "6", "Unknown"),
]
# ISO 14224 failure causes
ISO_CAUSES = [
    ("1", None, "Design-related causes"),
    ("1.0", "1", "Design-related - general"),
    ("1.1", "1", "Improper capacity"),
    ("1.2", "1", "Improper material"),
    ("2", None, "Fabrication/installation-related causes"),
    ("2.0", "2", "Fabrication/installation - general"),
    ("2.1", "2", "Fabrication error"),
    ("2.2", "2", "Installation error"),
    ("3", None, "Failure related to operation/maintenance"),
    ("3.0", "3", "Operation/maintenance - general"),
    ("3.1", "3", "Off-design service"),
    ("3.2", "3", "Operating error"),
    ("3.3", "3", "Maintenance error"),
    ("3.4", "3", "Expected wear and tear"),
    ("4", None, "Failure related to management"),
    ("4.0", "4", "Management - general"),
    ("4.1", "4", "Documentation error"),
    ("4.2", "4", "Management error"),
    ("5", None, "Miscellaneous"),
    ("5.0", "5", "Miscellaneous - general"),
    ("5.1", "5", "No cause found"),
    ("5.2", "5", "Common cause"),
    ("5.3", "5", "Combined causes"),
    ("5.4", "5", "Other"),
    ("5.5", "5", "Unknown"),
]

# --------------------------------------------------------------------------------------------
# Maximo-style catalogue. CATALOGUE[class] = [(problem, desc, [(cause, desc, [(remedy, desc)])])]
# Problem codes are unique across classes; a cause code may sit under several problems.
# --------------------------------------------------------------------------------------------
CAUSE_DESC = {
    "BRGWORN": "Bearing worn/damaged",
    "MTRBRG": "Driven motor bearing worn",
    "LOOSETERM": "Loose/overheated power terminal",
    "DECSHORT": "Decel ramp too short for load inertia",
    "CBLDMG": "Motor cable insulation damaged",
    "FANFAIL": "Cooling fan failed",
}
REMEDY_DESC = {
    "REPLBRG": "Replace bearings",
    "TIGHTEN": "Re-terminate and torque terminals",
    "ADJDEC": "Lengthen decel time (P1.04)",
    "REPLCABLE": "Replace motor cable",
    "REPLFAN": "Replace cooling fan",
    "CLRJAM": "Clear jam / free the conveyor",
    "REPLSEAL": "Replace seal",
}


def C(code, desc=None, remedies=()):
    return (code, desc or CAUSE_DESC[code], [(r, d or REMEDY_DESC[r]) for r, d in remedies])


CATALOGUE = {
    "PUMP": [
        ("LEAK", "Leakage at seal, casing or flange", [
            C("SEALWORN", "Mechanical seal faces worn", [("REPLSEAL", "Replace mechanical seal")]),
            C("GASKET", "Casing/flange gasket failed", [("REPLGSKT", "Replace gasket")]),
            C("SLEEVEWORN", "Shaft sleeve worn/scored under the seal",
              [("REPLSLEEVE", "Replace shaft sleeve and mechanical seal")]),
        ]),
        ("LOWFLOW", "Low flow / low discharge pressure", [
            C("STRNRBLK", "Suction strainer blocked (pump cavitating)",
              [("CLNSTR", "Clean suction strainer")]),
            C("IMPWORN", "Impeller/wear rings worn", [("REPLIMP", "Replace impeller and wear rings")]),
            C("AIRLOCK", "Air in casing / pump lost prime", [("VENT", "Vent and re-prime pump")]),
        ]),
        ("PUMPVIB", "Pump vibration / noise", [
            C("MISALIGN", "Pump-motor coupling misaligned", [("REALIGN", "Laser-align pump and motor")]),
            C("BRGWORN", remedies=[("REPLBRG", None)]),
        ]),
        ("PUMPTRIP", "Pump motor tripped", [
            C("OFFCURVE", "Pump running off its curve (motor overloaded)",
              [("ADJVALVE", "Throttle discharge valve to the design point")]),
            C("LOOSETERM", remedies=[("TIGHTEN", None)]),
        ]),
    ],
    "COMPRESSOR": [
        ("HITEMP", "High discharge temperature", [
            C("COOLFOUL", "Oil cooler fouled", [("CLEANCOOL", "Clean oil cooler core")]),
            C("OILLOW", "Oil level low", [("TOPOIL", "Top up oil, find and fix the leak")]),
            C("THERMVLV", "Thermostatic valve stuck", [("REPLTV", "Replace thermostatic valve element")]),
            C("FANFAIL", remedies=[("REPLFAN", None)]),
        ]),
        ("SEPDP", "Oil separator differential pressure high", [
            C("SEPCLOG", "Separator element clogged", [("REPLSEP", "Replace separator element")]),
        ]),
        ("NOLOAD", "Compressor will not load / low system pressure", [
            C("INLETVLV", "Inlet valve sticking", [("REPLKIT", "Fit inlet valve service kit")]),
            C("SOLVLV", "Loading solenoid valve failed", [("REPLSOL", "Replace solenoid valve")]),
        ]),
        ("CMPTRIP", "Main motor overload trip", [
            C("BRGWORN", remedies=[("REPLBRG", None)]),
            C("LOOSETERM", remedies=[("TIGHTEN", None)]),
        ]),
        ("OILLEAK", "Oil leak", [
            C("HOSE", "Oil hose/fitting leaking", [("REPLHOSE", "Replace hose/fitting")]),
        ]),
    ],
    "VFD": [
        ("OVERCURR", "Overcurrent trip (OC1/OC2/OC3)", [
            C("ACCLOAD", "Load too high for the accel ramp (jammed conveyor / ramp too short)",
              [("ADJACC", "Lengthen accel time (P1.03)"), ("CLRJAM", None)]),
            C("DECSHORT", remedies=[("ADJDEC", None)]),
            C("LOADJAM", "Mechanical jam at constant speed", [("CLRJAM", None)]),
            C("MTRBRG", remedies=[("REPLBRG", None)]),
            C("IGBTFAIL", "Output IGBT module failed", [("REPLIGBT", "Replace IGBT module")]),
            C("CBLDMG", remedies=[("REPLCABLE", None)]),
        ]),
        ("OVERVOLT", "DC bus overvoltage (OU)", [
            C("BRKRES", "Braking resistor open/failed", [("REPLBRKR", "Replace braking resistor")]),
            C("DECSHORT", remedies=[("ADJDEC", None)]),
        ]),
        ("UNDERVOLT", "DC bus undervoltage (LU)", [
            C("SUPPLYDIP", "Mains supply dip", [("RESET", "Reset drive, no fault found")]),
            C("LOOSETERM", remedies=[("TIGHTEN", None)]),
        ]),
        ("OVERHEAT", "Heatsink overheat (OH)", [
            C("FILTCLOG", "Heatsink/cabinet filter clogged",
              [("CLEANFLT", "Clean heatsink, replace cabinet filter")]),
            C("FANFAIL", remedies=[("REPLFAN", None)]),
        ]),
        ("OVERLOAD", "Motor overload (OL)", [
            C("CNVOVLD", "Conveyor overloaded / chain over-tensioned",
              [("ADJTENS", "Adjust chain/belt tension")]),
            C("MTRBRG", remedies=[("REPLBRG", None)]),
        ]),
        ("EARTHFLT", "Earth fault (EF)", [
            C("CBLDMG", remedies=[("REPLCABLE", None)]),
            C("WATERINGR", "Water in motor terminal box", [("DRYSEAL", "Dry out and reseal terminal box")]),
        ]),
        ("FEEDBACK", "Encoder feedback lost (Err 31)", [
            C("ENCCON", "Encoder connector loose/corroded", [("RESEAT", "Clean and reseat encoder connector")]),
            C("ENCFAIL", "Encoder failed", [("REPLENC", "Replace encoder")]),
        ]),
    ],
    "CNC": [
        ("SPINDLE", "Spindle overload / spindle fault", [
            C("TOOLWORN", "Cutting tool worn or chipped", [("REPLTOOL", "Replace tool, reset offsets")]),
            C("PROGFEED", "Program feeds/speeds too aggressive", [("ADJPROG", "Correct program feeds/speeds")]),
            C("SPBRG", "Spindle bearings worn", [("REPLSPBRG", "Replace spindle cartridge")]),
        ]),
        ("AXISSERVO", "Axis servo alarm", [
            C("ENCCBL", "Encoder cable damaged in cable carrier", [("REPLENCCBL", "Replace encoder cable")]),
            C("WAYDRY", "Way lube starvation (axis overload)", [("LUBEPURGE", "Refill way lube and purge lines")]),
            C("SRVAMP", "Servo amplifier failed", [("REPLAMP", "Replace servo amplifier")]),
        ]),
        ("LUBE", "Way lube system fault", [
            C("TANKLOW", "Way lube tank empty", [("REFILL", "Refill way lube tank")]),
            C("LUBEPMP", "Way lube pump failed", [("REPLLUBEPMP", "Replace way lube pump")]),
            C("LINEBLK", "Lube metering unit/line blocked", [("CLRLINE", "Clear or replace metering unit")]),
        ]),
        ("ATC", "Automatic tool changer fault", [
            C("AIRLOW", "Shop air pressure low at the machine", [("ADJAIR", "Restore air supply/regulator")]),
            C("PROXSW", "Tool clamp proximity switch failed", [("REPLSENS", "Replace proximity switch")]),
            C("ATCALIGN", "Tool changer arm misaligned", [("ADJATC", "Re-align tool changer")]),
        ]),
        ("COOLANT", "Coolant system fault", [
            C("CLTPMP", "Coolant pump failed", [("REPLCLTPMP", "Replace coolant pump")]),
            C("CLTLOW", "Coolant level/concentration low", [("REFILLCLT", "Top up and correct coolant")]),
        ]),
    ],
    "CONVEYOR": [
        ("JAM", "Product jam / conveyor stopped", [
            C("GUIDELOOSE", "Side guide loose or mis-set", [("ADJGUIDE", "Re-set and tighten side guides")]),
            C("PRODUCT", "Damaged product/pallet jammed", [("CLRJAM", None)]),
        ]),
        ("BELT", "Belt mistracking / belt damage", [
            C("TRACKING", "Belt mistracking", [("ADJTRACK", "Re-track belt")]),
            C("BELTDMG", "Belt torn/worn", [("REPLBELT", "Replace belt")]),
        ]),
        ("GEARBOX", "Gearbox noise / oil leak", [
            C("GBSEAL", "Gearbox shaft seal leaking", [("REPLSEAL", None)]),
            C("GBWORN", "Gearbox worn", [("REPLGB", "Replace gearbox")]),
        ]),
        ("SENSOR", "Photo-eye / sensor fault", [
            C("PEDIRTY", "Photo-eye dirty or misaligned", [("CLEANPE", "Clean and align photo-eye")]),
            C("PEFAIL", "Photo-eye failed", [("REPLPE", "Replace photo-eye")]),
        ]),
    ],
    "ROBOT": [
        ("COLLISION", "Collision detected", [
            C("PARTPOS", "Part or fixture out of position", [("RESETPOS", "Re-seat part/fixture, recover robot")]),
            C("PAYLOAD", "Wrong payload data", [("ADJPAYLOAD", "Correct payload settings")]),
            C("TEACHERR", "Path point taught wrong", [("RETEACH", "Re-teach points")]),
        ]),
        ("SERVOOC", "Servo overcurrent / axis fault", [
            C("HARNESS", "Axis cable harness worn", [("REPLHARN", "Replace axis cable harness")]),
            C("REDUCER", "Axis reducer worn", [("REPLRED", "Replace reducer and remaster axis")]),
            C("BRAKE", "Axis brake not releasing", [("REPLBRAKE", "Replace brake/brake relay")]),
        ]),
        ("ENCBATT", "Encoder backup battery / position data lost", [
            C("BATTLOW", "Encoder backup battery flat", [("REPLBATT", "Replace batteries and remaster")]),
        ]),
        ("GRIPPER", "Gripper / vacuum fault", [
            C("CUPWORN", "Suction cups worn/torn", [("REPLCUP", "Replace suction cups")]),
            C("VACGEN", "Vacuum generator blocked", [("CLNVAC", "Clean vacuum generator/silencer")]),
        ]),
    ],
    "MOTOR": [
        ("MTRNOISE", "Motor noise / vibration", [
            C("BRGWORN", remedies=[("REPLBRG", None)]),
        ]),
        ("MTROVHT", "Motor overheating", [
            C("FANCOVER", "Fan cover/cooling fins clogged", [("CLEANFAN", "Clean fan cover and fins")]),
            C("SINGLEPH", "Running single-phased (fuse blown)", [("REPLFUSE", "Replace fuse, check contactor")]),
        ]),
        ("MTRINSUL", "Winding insulation failure", [
            C("WINDING", "Winding insulation breakdown", [("REPLMTR", "Replace motor")]),
        ]),
    ],
}

# --------------------------------------------------------------------------------------------
# Assets
# --------------------------------------------------------------------------------------------
LOCATIONS = {
    "L1-MACH": "Line 1 - Machining",
    "L2-ASSY": "Line 2 - Assembly",
    "L3-PACK": "Line 3 - Pack-out & logistics",
    "UTIL": "Utilities - compressed air & cooling water",
}
MAKERS = {
    "KM": "Kessler Mechatronik",
    "AC": "Ardent Conveyor Co.",
    "VX": "Vantor Drives",
    "HE": "Halvorsen Electric",
    "AR": "Arkon Robotics",
    "NA": "Nordhavn Air",
    "AQ": "Aquilon Pumps",
}
# tag, name, location, parent, maker, model, failure class, criticality, description
ASSETS = [
    ("CNC-101", "Vertical machining centre #1", "L1-MACH", None, "KM", "KM-600", "CNC", "A",
     "3-axis VMC, 12k rpm spindle, 24-tool ATC, KM-Control 8. Housings, op 10."),
    ("CNC-102", "Vertical machining centre #2", "L1-MACH", None, "KM", "KM-600", "CNC", "A",
     "3-axis VMC, 12k rpm spindle, 24-tool ATC, KM-Control 8. Housings, op 20."),
    ("CNC-103", "Horizontal machining centre", "L1-MACH", None, "KM", "KM-800H", "CNC", "A",
     "4-axis HMC, twin pallet, 60-tool ATC, KM-Control 8. Bottleneck machine of line 1."),
    ("CNC-104", "CNC turning centre", "L1-MACH", None, "KM", "KT-260", "CNC", "B",
     "2-axis lathe, 12-station turret, bar feeder, KM-Control 8. Shafts."),
    ("CNC-105", "Vertical machining centre #3", "L1-MACH", None, "KM", "KM-600", "CNC", "B",
     "3-axis VMC, KM-Control 8. Brackets and prototypes."),
    ("CNV-110", "Chip conveyor (central swarf)", "L1-MACH", None, "AC", "AC-CC200", "CONVEYOR", "C",
     "Hinged steel-belt chip conveyor under CNC-101..105, into swarf skip."),
    ("MTR-110", "Motor, chip conveyor", "L1-MACH", "CNV-110", "HE", "HE3-90L", "MOTOR", "C",
     "1.5 kW 4-pole IE3, DOL start."),
    ("PMP-110", "Central coolant supply pump", "L1-MACH", None, "AQ", "CP 40-125", "PUMP", "B",
     "Coolant supply from central filter to CNC-101..105, 5.5 kW."),
    ("CNV-201", "Main assembly conveyor", "L2-ASSY", None, "AC", "AC-BC500", "CONVEYOR", "A",
     "Flat belt, 42 m, pallet-less, through robot cells RBT-210..213."),
    ("VFD-201", "Drive, main assembly conveyor", "L2-ASSY", "CNV-201", "VX", "VX-300", "VFD", "A",
     "7.5 kW 400 V, closed loop with encoder on MTR-201. Param backup on share + in drive panel."),
    ("MTR-201", "Motor, main assembly conveyor", "L2-ASSY", "CNV-201", "HE", "HE3-132M", "MOTOR", "A",
     "7.5 kW 4-pole IE3, 1024 ppr encoder, bearings 6308-2Z / 6208-2Z."),
    ("CNV-202", "Transfer conveyor (assembly to test)", "L2-ASSY", None, "AC", "AC-BC500", "CONVEYOR", "B",
     "Belt with 90-degree transfer plate to end-of-line test."),
    ("VFD-202", "Drive, transfer conveyor", "L2-ASSY", "CNV-202", "VX", "VX-300", "VFD", "B",
     "4 kW 400 V, open loop V/f."),
    ("MTR-202", "Motor, transfer conveyor", "L2-ASSY", "CNV-202", "HE", "HE3-112M", "MOTOR", "B",
     "4 kW 4-pole IE3, bearings 6206-2Z / 6205-2Z."),
    ("CNV-203", "Buffer conveyor", "L2-ASSY", None, "AC", "AC-BC500", "CONVEYOR", "C",
     "Accumulating buffer before end-of-line test."),
    ("VFD-203", "Drive, buffer conveyor", "L2-ASSY", "CNV-203", "VX", "VX-300", "VFD", "C",
     "2.2 kW 400 V, open loop V/f."),
    ("MTR-203", "Motor, buffer conveyor", "L2-ASSY", "CNV-203", "HE", "HE3-100L", "MOTOR", "C",
     "2.2 kW 4-pole IE3."),
    ("RBT-210", "Robot cell 1 - screwdriving", "L2-ASSY", None, "AR", "AR-20", "ROBOT", "A",
     "6-axis, 20 kg payload, ARC-5 controller, screwdriving end effector."),
    ("RBT-211", "Robot cell 2 - press-fit handling", "L2-ASSY", None, "AR", "AR-20", "ROBOT", "A",
     "6-axis, 20 kg payload, ARC-5 controller, servo gripper."),
    ("RBT-212", "Robot cell 3 - vision pick & place", "L2-ASSY", None, "AR", "AR-8", "ROBOT", "B",
     "6-axis, 8 kg payload, ARC-5 controller, vacuum gripper + camera."),
    ("RBT-213", "Robot cell 4 - label & inspect", "L2-ASSY", None, "AR", "AR-8", "ROBOT", "B",
     "6-axis, 8 kg payload, ARC-5 controller, vacuum label head."),
    ("CNV-401", "Case conveyor", "L3-PACK", None, "AC", "AC-RC800", "CONVEYOR", "B",
     "Driven roller conveyor, cases from pack-out to palletizer."),
    ("VFD-401", "Drive, case conveyor", "L3-PACK", "CNV-401", "VX", "VX-300", "VFD", "B",
     "4 kW 400 V. Panel in dusty carton area."),
    ("MTR-401", "Motor, case conveyor", "L3-PACK", "CNV-401", "HE", "HE3-112M", "MOTOR", "B",
     "4 kW 4-pole IE3 with gearbox."),
    ("CNV-402", "Pallet conveyor", "L3-PACK", None, "AC", "AC-RC800", "CONVEYOR", "A",
     "Heavy chain-driven roller conveyor, full pallets to stretch wrapper."),
    ("VFD-402", "Drive, pallet conveyor", "L3-PACK", "CNV-402", "VX", "VX-300", "VFD", "A",
     "5.5 kW 400 V with braking resistor (heavy pallets decelerating)."),
    ("MTR-402", "Motor, pallet conveyor", "L3-PACK", "CNV-402", "HE", "HE3-132S", "MOTOR", "A",
     "5.5 kW 4-pole IE3 with helical gearbox."),
    ("CNV-403", "Outfeed / accumulation conveyor", "L3-PACK", None, "AC", "AC-RC800", "CONVEYOR", "C",
     "Wrapped pallets to forklift pick-up."),
    ("VFD-403", "Drive, outfeed conveyor", "L3-PACK", "CNV-403", "VX", "VX-300", "VFD", "C",
     "3 kW 400 V."),
    ("MTR-403", "Motor, outfeed conveyor", "L3-PACK", "CNV-403", "HE", "HE3-100L", "MOTOR", "C",
     "3 kW 4-pole IE3 with gearbox."),
    ("RBT-410", "Palletizing robot", "L3-PACK", None, "AR", "AR-120P", "ROBOT", "A",
     "4-axis palletizer, 120 kg, ARC-5 controller, vacuum layer gripper."),
    ("CMP-301", "Screw compressor #1 (lead)", "UTIL", None, "NA", "NSC-55", "COMPRESSOR", "A",
     "55 kW oil-injected screw, 7.5 bar, AirLogic 2 controller, air-cooled oil cooler."),
    ("MTR-301", "Main motor, compressor #1", "UTIL", "CMP-301", "HE", "HE3-250M", "MOTOR", "A",
     "55 kW 4-pole IE3, star-delta, bearings 6316 C3."),
    ("CMP-302", "Screw compressor #2 (lag)", "UTIL", None, "NA", "NSC-55", "COMPRESSOR", "A",
     "55 kW oil-injected screw, 7.5 bar, AirLogic 2 controller."),
    ("CMP-303", "Screw compressor #3 (standby)", "UTIL", None, "NA", "NSC-37", "COMPRESSOR", "B",
     "37 kW oil-injected screw, standby / weekend load."),
    ("PMP-301", "Wash water pump", "UTIL", None, "AQ", "CP 50-160", "PUMP", "C",
     "Parts washer supply, 7.5 kW."),
    ("PMP-302", "Cooling water pump #1 (duty)", "UTIL", None, "AQ", "CP 80-200", "PUMP", "A",
     "Closed-loop cooling water for compressors and CNC spindle chillers, 22 kW. "
     "Mechanical seal 35 mm cartridge, bearings 6309 C3."),
    ("MTR-302", "Motor, cooling water pump #1", "UTIL", "PMP-302", "HE", "HE3-180M", "MOTOR", "A",
     "22 kW 4-pole IE3."),
    ("PMP-303", "Cooling water pump #2 (standby)", "UTIL", None, "AQ", "CP 80-200", "PUMP", "B",
     "Standby for PMP-302, auto changeover on low pressure."),
    ("MTR-303", "Motor, cooling water pump #2", "UTIL", "PMP-303", "HE", "HE3-180M", "MOTOR", "B",
     "22 kW 4-pole IE3."),
    ("PMP-304", "Condensate return pump", "UTIL", None, "AQ", "CP 40-125", "PUMP", "C",
     "Compressor/dryer condensate to oil-water separator, 1.5 kW."),
]
ASSET = {a[0]: a for a in ASSETS}
SERIAL_PREFIX = {"KM": "KM", "AC": "AC", "VX": "VX3", "HE": "HE", "AR": "ARK", "NA": "NH", "AQ": "AQ"}
INSTALL_YEAR = {}


def serial_for(tag, maker):
    year = rng.choice([2016, 2017, 2018, 2019, 2020, 2021, 2022])
    INSTALL_YEAR[tag] = year
    return "%s-%02d%02d-%05d" % (SERIAL_PREFIX[maker], year % 100, rng.randint(1, 12), rng.randint(1000, 99999))


def fclass(tag):
    return ASSET[tag][6]


def motor_of(tag):
    """Motor tag for a drive/conveyor/pump/compressor tag (same number)."""
    return "MTR-" + tag.split("-")[1]


def conveyor_of(tag):
    return "CNV-" + tag.split("-")[1]


# --------------------------------------------------------------------------------------------
# Fault codes as the machines show them
# --------------------------------------------------------------------------------------------
ALARM_TEXT = {
    # Vantor VX-300 drives
    "OC1": "Overcurrent during acceleration",
    "OC2": "Overcurrent during deceleration",
    "OC3": "Overcurrent at constant speed",
    "OU": "DC bus overvoltage",
    "LU": "DC bus undervoltage",
    "OH": "Heatsink overheat",
    "OL": "Motor overload",
    "EF": "Earth fault",
    "Err 31": "Encoder feedback lost",
    # KM-Control 8 (CNC)
    "AL 1021": "SPINDLE OVERLOAD",
    "AL 2040": "AXIS SERVO ALARM",
    "AL 3007": "WAY LUBE LOW",
    "AL 4010": "TOOL CHANGER FAULT",
    "AL 5001": "COOLANT LEVEL LOW",
    "AL 5003": "COOLANT PUMP OVERLOAD",
    # Conveyor PLCs (line HMI)
    "A101": "JAM DETECTED",
    "A104": "BELT MISALIGNMENT",
    "A112": "PHOTO-EYE FAULT",
    # Arkon ARC-5 robot controller
    "E-1450": "COLLISION DETECTED",
    "E-2210": "SERVO OVERCURRENT",
    "W-0830": "ENCODER BATTERY LOW",
    "E-0831": "ENCODER PULSE COUNT LOST - REMASTER REQUIRED",
    "E-3301": "VACUUM NOT REACHED",
    # Nordhavn AirLogic 2 (compressors)
    "E101": "Discharge temperature high - shutdown",
    "W105": "Discharge temperature high - warning",
    "E117": "Separator differential pressure high",
    "E125": "Main motor overload",
    "E140": "Compressor failed to load",
    "W201": "Service interval due",
    # Cooling water SCADA (pumps)
    "PRESS LO": "Discharge pressure low",
    "VIB HI": "Bearing vibration high",
    "MTR TRIP": "Motor protection tripped",
    # Operator round observations
    "SEAL LEAK": "Seal leaking (operator round)",
    "NOISE": "Abnormal noise (operator round)",
}
SOURCE_OF_CLASS = {"VFD": "DRIVE", "CNC": "CNC", "CONVEYOR": "PLC", "ROBOT": "ROBOT",
                   "COMPRESSOR": "CTRL", "PUMP": "SCADA", "MOTOR": "OPERATOR"}
OPERATOR_CODES = {"SEAL LEAK", "NOISE"}

TECHS = ["M. Okafor", "J. Lindqvist", "R. Patel", "S. Moreau", "T. Kowalski", "A. Herrera", "D. Nguyen"]
LEADS = ["K. Brandt", "L. Nakamura"]
PLANNER = "P. Ferreira"


def reporter():
    return rng.choice(TECHS * 3 + LEADS * 2)


# --------------------------------------------------------------------------------------------
# Scenarios: (class, problem, cause, remedy) -> fault code, ISO mode/mechanism/cause,
# median repair minutes, parts cost, and technician text (title, description, remedy text).
# --------------------------------------------------------------------------------------------
S = {}


def scen(cls, prob, cause, rem, code, iso, minutes, parts, titles, descs, fixes):
    S[(cls, prob, cause, rem)] = dict(cls=cls, prob=prob, cause=cause, rem=rem, code=code,
                                      iso=iso.split(), minutes=minutes, parts=parts,
                                      titles=titles, descs=descs, fixes=fixes)


# --- VFD (Vantor VX-300) ---
_vt = ["{cnv} stopped, {tag} trip {code} on start", "{code} trip {tag} at accel, cnv won't start",
       "{cnv} drive {code} - trips on ramp up"]
scen("VFD", "OVERCURR", "ACCLOAD", "ADJACC", "OC1", "FTS 3.4 3.1", 30, 0, _vt,
     ["Drive {tag} tripped {code} (overcurrent during accel). Operator reset x{n}, tripped again on start. "
      "Conveyor fully loaded at start.",
      "{code} on {tag} on every start with loaded belt. Peak current {amps} A on ramp (motor FLA {fla} A)."],
     ["Accel time P1.03 {acc0}->{acc1} s, tested 5 loaded starts, OK.",
      "Lengthened accel ramp P1.03 from {acc0} s to {acc1} s. Mech free by hand. Ran 30 min no trip.",
      "Incr P1.03 accel {acc0}s -> {acc1}s, param backup saved to share. OK."])
scen("VFD", "OVERCURR", "ACCLOAD", "CLRJAM", "OC1", "FTS 5.1 3.2", 25, 0, _vt,
     ["{cnv} won't start, {tag} shows {code}. Belt not moving, motor humming on start.",
      "{code} trip on {tag}; operator reset, trips again within 2 s of start."],
     ["Carton jammed under transfer plate, cleared. Drive reset, runs OK.",
      "Freed jammed conveyor - broken pallet slat wedged in roller bed. Removed, reset {code}, OK.",
      "Product pile-up at merge, cleared + reset. Guides OK."])
scen("VFD", "OVERCURR", "MTRBRG", "REPLBRG", "OC1", "FTS 2.4 3.4", 210, 95,
     _vt + ["{tag} {code} again - repeat trips"],
     ["Recurring {code} on {tag} after reset. Motor {mtr} noisy, DE housing {temp} C.",
      "{code} trips on start, no-load current high. Turned {mtr} shaft by hand: rough."],
     ["Motor {mtr} DE brg {brg} rough/noisy - replaced DE+NDE brgs. No-load current back to normal. OK.",
      "Replaced {mtr} bearings ({brg} DE + NDE). Tested loaded starts, no trip."])
scen("VFD", "OVERCURR", "IGBTFAIL", "REPLIGBT", "OC1", "BRD 4.1 3.4", 240, 1450,
     ["{tag} {code} instantly on run cmd", "{cnv} down - {tag} {code} immediate trip"],
     ["{tag} trips {code} instantly on run command, also with motor disconnected.",
      "{code} immediately on start. Megger motor+cable OK (>500 MOhm). Output phase {phase} suspect."],
     ["Replaced IGBT module (phase {phase} shorted), reloaded param backup. Tested OK.",
      "IGBT module failed short U-V. Fitted new module from stores, gate drive checked. Commissioned, OK."])
scen("VFD", "OVERCURR", "DECSHORT", "ADJDEC", "OC2", "UST 3.4 2.2", 30, 0,
     ["{tag} {code} trip on stop", "{code} on {tag} at decel, {cnv} stopped"],
     ["{tag} trips {code} when {cnv} stops at end of index.", "{code} on decel when line stopped / indexed."],
     ["Decel time P1.04 {dec0}->{dec1} s. Tested 10 stops OK.",
      "Lengthened decel ramp P1.04 {dec0} s -> {dec1} s. OK."])
scen("VFD", "OVERCURR", "LOADJAM", "CLRJAM", "OC3", "UST 5.1 3.1", 30, 0,
     ["{tag} {code} trip while running", "{cnv} stalled - {code} on {tag}"],
     ["{tag} {code} trip while running, conveyor stalled mid-run.",
      "{code} overcurrent at constant speed, product jammed at {cnv} outfeed."],
     ["Jam cleared (crushed carton under side guide). Reset, OK.",
      "Cleared jammed pallet at transfer, reset drive, OK."])
scen("VFD", "OVERCURR", "CBLDMG", "REPLCABLE", "OC3", "UST 4.5 3.2", 180, 160,
     ["{tag} {code} intermittent at speed"],
     ["{code} trips at speed, intermittent. Motor cable to {mtr} crushed at floor crossing."],
     ["Replaced motor cable {tag}->{mtr} (4G2.5 shielded), new cable protector at crossing. IR > 1 GOhm. OK."])
scen("VFD", "OVERVOLT", "BRKRES", "REPLBRKR", "OU", "UST 4.2 3.4", 120, 240,
     ["{tag} OU trip on stop", "{cnv} OU overvoltage trip on decel"],
     ["{tag} trips OU on decel of loaded pallet.", "OU overvoltage trip when {cnv} stops. DC bus {vdc} V at trip."],
     ["Braking resistor open circuit (measured OL), replaced {ohm} ohm resistor. Tested stops OK.",
      "Brake resistor burnt - replaced, brake chopper checked. OK."])
scen("VFD", "OVERVOLT", "DECSHORT", "ADJDEC", "OU", "UST 3.4 2.2", 30, 0,
     ["{tag} OU trip on stop", "OU on {tag} when stopping"],
     ["{tag} OU on decel. Brake resistor measured {ohm} ohm - OK.", "OU overvoltage when {cnv} stops loaded."],
     ["Decel P1.04 {dec0}->{dec1} s, OU gone.", "Increased decel time {dec0} -> {dec1} s. Brake res OK."])
scen("VFD", "UNDERVOLT", "SUPPLYDIP", "RESET", "LU", "UST 4.4 5.1", 15, 0,
     ["{tag} LU trip - power dip", "LU undervoltage {tag}, several drives down"],
     ["{tag} LU trip, several drives tripped at the same time (power dip).",
      "LU undervoltage on {tag}; site power blip reported by utilities."],
     ["Reset drive, no fault found. Mains dip logged. Incoming 400 V OK.", "NFF - supply dip. Reset, ran OK."])
scen("VFD", "UNDERVOLT", "LOOSETERM", "TIGHTEN", "LU", "UST 4.4 2.2", 45, 0,
     ["{tag} random LU trips"],
     ["LU trips on {tag} at random, no other drives affected."],
     ["L2 input terminal loose/discoloured, re-terminated and torqued. Thermal scan OK."])
scen("VFD", "OVERHEAT", "FILTCLOG", "CLEANFLT", "OH", "OHE 5.1 3.3", 40, 25,
     ["{tag} OH trip", "{cnv} down - drive overheat OH"],
     ["{tag} OH trip, cabinet hot. Heatsink {temp} C.", "OH heatsink overheat on {tag}, hot day."],
     ["Cabinet filter blocked with carton dust, heatsink clogged. Blew out heatsink, new filter mat. OK.",
      "Cleaned heatsink + fan, replaced cabinet filter. Heatsink back to {temp2} C."])
scen("VFD", "OVERHEAT", "FANFAIL", "REPLFAN", "OH", "OHE 2.4 3.4", 60, 85,
     ["{tag} OH trip", "{tag} overheat - fan not running"],
     ["{tag} OH trip. Heatsink fan not turning."],
     ["Drive heatsink fan seized, replaced fan. OK.", "Replaced drive cooling fan (bearing gone). Temp OK."])
scen("VFD", "OVERLOAD", "CNVOVLD", "ADJTENS", "OL", "UST 1.3 3.3", 50, 0,
     ["{tag} OL motor overload", "{cnv} OL trip after running"],
     ["OL motor overload on {tag} after ~{mins} min running. Motor current {amps} A (FLA {fla} A)."],
     ["Drive chain over-tensioned after last PM, re-tensioned. Current back to {amps2} A.",
      "Conveyor overloaded - chain tension adjusted + lubed, current normal."])
scen("VFD", "OVERLOAD", "MTRBRG", "REPLBRG", "OL", "UST 2.4 3.4", 210, 95,
     ["{tag} OL motor overload", "{cnv} OL trip, motor hot"],
     ["OL on {tag}. Motor {mtr} hot ({temp} C) and noisy."],
     ["{mtr} bearings worn, replaced {brg} DE+NDE. Current normal."])
scen("VFD", "EARTHFLT", "CBLDMG", "REPLCABLE", "EF", "UST 4.5 3.2", 180, 160,
     ["{tag} EF earth fault", "EF on {tag} won't reset"],
     ["EF earth fault on {tag}, won't reset."],
     ["Motor cable insulation chafed on frame, IR 0.2 MOhm to earth. Replaced cable, IR > 1 GOhm."])
scen("VFD", "EARTHFLT", "WATERINGR", "DRYSEAL", "EF", "UST 4.5 3.2", 90, 20,
     ["{tag} EF after washdown"],
     ["EF trip on {tag} after line washdown."],
     ["Water in {mtr} terminal box, dried out, new gland + gasket. IR OK."])
scen("VFD", "FEEDBACK", "ENCCON", "RESEAT", "Err 31", "UST 3.2 3.4", 35, 0,
     ["{tag} Err 31 encoder loss", "{cnv} stops - Err 31 on drive"],
     ["Err 31 on {tag}, conveyor stops, speed hunting before trip."],
     ["Encoder connector at {mtr} loose/corroded, cleaned + reseated. OK.",
      "Reseated encoder plug, contact spray, strain relief added. OK."])
scen("VFD", "FEEDBACK", "ENCFAIL", "REPLENC", "Err 31", "UST 3.2 3.4", 120, 380,
     ["{tag} Err 31 encoder loss"],
     ["Err 31 on {tag}, returns after reseating connector."],
     ["Encoder on {mtr} faulty (ch B pulses missing on scope), replaced encoder. Ran OK."])

# --- CNC (Kessler Mechatronik, KM-Control 8) ---
scen("CNC", "SPINDLE", "TOOLWORN", "REPLTOOL", "AL 1021", "UST 2.4 3.4", 25, 60,
     ["{tag} AL 1021 spindle overload", "{tag} spindle ovld alarm T{tool}"],
     ["AL 1021 SPINDLE OVERLOAD on op {opn}, spindle load {load}%.", "Spindle overload alarm during roughing, T{tool}."],
     ["Tool T{tool} worn/chipped, replaced, offsets reset. Part OK.", "Replaced worn endmill T{tool}. Load back to {load2}%."])
scen("CNC", "SPINDLE", "PROGFEED", "ADJPROG", "AL 1021", "UST 6.3 3.2", 40, 0,
     ["{tag} AL 1021 on new program"],
     ["AL 1021 on first run of program O{prog}, spindle load {load}%."],
     ["Program O{prog} feed too high for material, reduced F 20% with programmer. OK."])
scen("CNC", "SPINDLE", "SPBRG", "REPLSPBRG", "AL 1021", "VIB 2.4 3.4", 2600, 18500,
     ["{tag} spindle noisy + AL 1021 repeat"],
     ["Recurring AL 1021 + spindle noisy at high rpm, vib {vib} mm/s."],
     ["Spindle bearings worn - replaced spindle cartridge (exchange unit), runout 2 um. Test cut OK."])
scen("CNC", "AXISSERVO", "ENCCBL", "REPLENCCBL", "AL 2040", "UST 2.6 3.4", 150, 210,
     ["{tag} AL 2040 {axis} axis servo alarm", "{tag} {axis}-axis servo alm, machine down"],
     ["AL 2040 {axis} AXIS SERVO ALARM, machine stopped. Alarm again on {axis} jog."],
     ["{axis}-axis encoder cable damaged in cable carrier (broken cores). Replaced cable. OK.",
      "Replaced {axis} encoder cable, chafed through at carrier bend. Axis ref OK."])
scen("CNC", "AXISSERVO", "WAYDRY", "LUBEPURGE", "AL 2040", "UST 1.6 3.3", 60, 30,
     ["{tag} AL 2040 {axis} axis servo alarm"],
     ["AL 2040 {axis} AXIS SERVO ALARM, axis load high, ways look dry."],
     ["Ways dry - lube tank empty + air in lines. Refilled, purged, {axis} axis load normal."])
scen("CNC", "AXISSERVO", "SRVAMP", "REPLAMP", "AL 2040", "BRD 4.1 3.4", 240, 2900,
     ["{tag} AL 2040 {axis} axis servo alarm"],
     ["AL 2040 {axis} AXIS SERVO ALARM, won't reset."],
     ["{axis} servo amp faulty (alarm follows amp when swapped). Replaced amp. OK."])
scen("CNC", "LUBE", "TANKLOW", "REFILL", "AL 3007", "UST 6.3 3.2", 15, 15,
     ["{tag} AL 3007 way lube low", "{tag} stopped - way lube"],
     ["AL 3007 WAY LUBE LOW, machine stopped in cycle."],
     ["Refilled way lube tank (ISO VG 68 way oil). Reset OK."])
scen("CNC", "LUBE", "LUBEPMP", "REPLLUBEPMP", "AL 3007", "UST 2.4 3.4", 150, 420,
     ["{tag} AL 3007 way lube low, tank full"],
     ["AL 3007 persists with full tank, no pressure at lube gauge."],
     ["Lube pump motor dead, replaced lube pump unit. Cycle test OK."])
scen("CNC", "LUBE", "LINEBLK", "CLRLINE", "AL 3007", "UST 5.1 3.4", 90, 65,
     ["{tag} AL 3007 way lube pressure"],
     ["AL 3007 lube fault, pressure builds slowly, {axis} ways dry."],
     ["Metering unit on {axis} line blocked, replaced metering unit, purged."])
scen("CNC", "ATC", "AIRLOW", "ADJAIR", "AL 4010", "UST 5.3 3.1", 40, 0,
     ["{tag} AL 4010 ATC fault", "{tag} tool change fault"],
     ["AL 4010 TOOL CHANGER FAULT - tool unclamp timeout."],
     ["Shop air at machine 4.8 bar (needs 6). Regulator filter bowl full, drained + set. OK."])
scen("CNC", "ATC", "PROXSW", "REPLSENS", "AL 4010", "UST 3.3 3.4", 60, 75,
     ["{tag} AL 4010 ATC fault"],
     ["AL 4010 TOOL CHANGER FAULT, clamp confirm missing intermittently."],
     ["Tool clamp prox switch intermittent, replaced + set gap. OK."])
scen("CNC", "ATC", "ATCALIGN", "ADJATC", "AL 4010", "UST 1.3 3.4", 120, 0,
     ["{tag} AL 4010 ATC fault, tool dropped"],
     ["AL 4010, tool not picked cleanly, noise at tool change."],
     ["ATC arm out of alignment, re-aligned arm + pocket reference. OK."])
scen("CNC", "COOLANT", "CLTPMP", "REPLCLTPMP", "AL 5003", "UST 2.4 3.4", 120, 540,
     ["{tag} AL 5003 coolant pump ovld"],
     ["AL 5003 COOLANT PUMP OVERLOAD, no coolant flow."],
     ["Coolant pump seized with chips, replaced pump. OK."])
scen("CNC", "COOLANT", "CLTLOW", "REFILLCLT", "AL 5001", "SER 6.3 3.2", 20, 40,
     ["{tag} AL 5001 coolant low"],
     ["AL 5001 COOLANT LEVEL LOW, machine stopped in cycle."],
     ["Coolant low, topped up, conc 7%. OK."])

# --- Conveyors (Ardent, line PLCs) ---
scen("CONVEYOR", "JAM", "GUIDELOOSE", "ADJGUIDE", "A101", "UST 1.5 3.4", 30, 0,
     ["{tag} jam A101 - guide loose", "{tag} keeps jamming A101"],
     ["A101 JAM DETECTED repeatedly, product skewing at side guide."],
     ["Side guide clamp loose, guide moved in. Re-set guide width + tightened."])
scen("CONVEYOR", "JAM", "PRODUCT", "CLRJAM", "A101", "UST 5.1 3.2", 25, 0,
     ["{tag} jam A101", "{tag} A101 jam at transfer"],
     ["A101 JAM DETECTED, operator could not clear."],
     ["Damaged pallet jammed at transfer, removed. Reset A101, OK.", "Crushed case wedged under rollers, removed. OK."])
scen("CONVEYOR", "BELT", "TRACKING", "ADJTRACK", "A104", "SER 1.3 3.4", 45, 0,
     ["{tag} A104 belt mistracking", "{tag} belt running off"],
     ["A104 BELT MISALIGNMENT, belt rubbing on frame at tail."],
     ["Belt tracked off to drive side, adjusted tail pulley, tracking OK."])
scen("CONVEYOR", "BELT", "BELTDMG", "REPLBELT", "A104", "BRD 2.5 3.4", 300, 1250,
     ["{tag} belt torn", "{tag} A104, belt edge damaged"],
     ["A104 alarm, belt edge torn approx 400 mm."],
     ["Belt edge torn, replaced belt. Tensioned + tracked. OK."])
scen("CONVEYOR", "GEARBOX", "GBSEAL", "REPLSEAL", None, "ELU 1.1 3.4", 120, 45,
     ["{tag} gearbox oil leak", "oil under {tag} gearbox"],
     ["Oil puddle under {tag} drive gearbox, level low in sight glass."],
     ["Gearbox output shaft seal leaking, replaced seal, topped up oil."])
scen("CONVEYOR", "GEARBOX", "GBWORN", "REPLGB", None, "NOI 2.4 3.4", 360, 1800,
     ["{tag} gearbox noisy"],
     ["Grinding noise from {tag} gearbox, backlash at output."],
     ["Gearbox worn (backlash excessive), replaced gearbox unit. OK."])
scen("CONVEYOR", "SENSOR", "PEDIRTY", "CLEANPE", "A112", "UST 5.2 3.4", 15, 0,
     ["{tag} A112 photo-eye fault", "{tag} PE fault, stops"],
     ["A112 PHOTO-EYE FAULT, conveyor stops randomly."],
     ["PE dirty/misaligned, cleaned + aligned reflector. OK."])
scen("CONVEYOR", "SENSOR", "PEFAIL", "REPLPE", "A112", "UST 3.2 3.4", 45, 140,
     ["{tag} A112 photo-eye fault"],
     ["A112 PHOTO-EYE FAULT, PE LED off."],
     ["Photo-eye dead, replaced (same type), taught. OK."])

# --- Robots (Arkon, ARC-5) ---
scen("ROBOT", "COLLISION", "PARTPOS", "RESETPOS", "E-1450", "UST 5.3 3.2", 20, 0,
     ["{tag} E-1450 collision detect", "{tag} collision alm E-1450"],
     ["E-1450 COLLISION DETECTED at P{pt}, robot stopped. Gripper OK."],
     ["Part not seated in fixture (debris in nest), cleaned fixture, recovered robot to home. OK.",
      "Fixture nest worn, part tilted. Recovered robot, shimmed nest, CM raised for new nest."])
scen("ROBOT", "COLLISION", "PAYLOAD", "ADJPAYLOAD", "E-1450", "UST 3.4 3.2", 40, 0,
     ["{tag} E-1450 collision, no contact"],
     ["E-1450 COLLISION DETECTED but no contact seen, after gripper change."],
     ["Payload data wrong after gripper change (set 4.5 kg, actual 7.2 kg). Corrected payload. OK."])
scen("ROBOT", "COLLISION", "TEACHERR", "RETEACH", "E-1450", "UST 6.3 3.2", 90, 0,
     ["{tag} E-1450 collision at fixture"],
     ["E-1450 COLLISION DETECTED at P{pt} after fixture moved."],
     ["Pt P{pt} retaught after fixture move. Tested slow then 100%, OK."])
scen("ROBOT", "SERVOOC", "HARNESS", "REPLHARN", "E-2210", "UST 2.6 3.4", 360, 1350,
     ["{tag} E-2210 servo OC J{joint}", "{tag} servo alarm J{joint}"],
     ["E-2210 SERVO OVERCURRENT J{joint}, intermittent, worse at wrist flip."],
     ["J{joint} motor power cable worn through in J3/J4 dress pack, replaced harness. OK."])
scen("ROBOT", "SERVOOC", "REDUCER", "REPLRED", "E-2210", "BRD 2.4 3.4", 720, 6800,
     ["{tag} E-2210 J{joint} + noise"],
     ["E-2210 SERVO OVERCURRENT J{joint}, grinding noise on J{joint}."],
     ["J{joint} reducer worn (backlash, noise). Replaced reducer, remastered axis. OK."])
scen("ROBOT", "SERVOOC", "BRAKE", "REPLBRAKE", "E-2210", "FTS 1.6 3.4", 240, 480,
     ["{tag} E-2210 J{joint} on servo on"],
     ["E-2210 SERVO OVERCURRENT J{joint} as soon as servo power on."],
     ["J{joint} brake not releasing (0 V at brake) - replaced brake relay board. OK."])
scen("ROBOT", "ENCBATT", "BATTLOW", "REPLBATT", "E-0831", "FTS 4.3 3.3", 300, 90,
     ["{tag} E-0831 encoder data lost - remaster"],
     ["E-0831 ENCODER PULSE COUNT LOST after weekend power-down. W-0830 battery low showing for weeks."],
     ["Encoder backup batteries flat (W-0830 ignored). Replaced batteries, remastered all axes, checked TCP. OK."])
scen("ROBOT", "GRIPPER", "CUPWORN", "REPLCUP", "E-3301", "ERO 2.4 3.4", 20, 60,
     ["{tag} E-3301 vacuum fault", "{tag} dropping parts, vac alarm"],
     ["E-3301 VACUUM NOT REACHED, parts dropped."],
     ["Suction cups torn, replaced set of {cups} cups. Vacuum -0.72 bar OK."])
scen("ROBOT", "GRIPPER", "VACGEN", "CLNVAC", "E-3301", "ERO 5.1 3.4", 40, 0,
     ["{tag} E-3301 vacuum fault"],
     ["E-3301 VACUUM NOT REACHED, cups OK."],
     ["Vacuum generator silencer clogged, cleaned + replaced silencer. OK."])

# --- Compressors (Nordhavn Air, AirLogic 2) ---
scen("COMPRESSOR", "HITEMP", "COOLFOUL", "CLEANCOOL", "E101", "OHE 5.1 3.4", 180, 60,
     ["{tag} trip E101 high disch temp", "{tag} E101 shutdown - hot"],
     ["E101 DISCHARGE TEMP HIGH, compressor shut down at {ctemp} C. Lag machine carrying load."],
     ["Oil cooler fins clogged with dust/oil mist. Cleaned with air + degreaser. Disch temp now {ctemp2} C.",
      "Cleaned oil cooler core (badly fouled). Running {ctemp2} C at full load."])
scen("COMPRESSOR", "HITEMP", "OILLOW", "TOPOIL", "E101", "OHE 1.1 3.3", 45, 55,
     ["{tag} E101 high disch temp"],
     ["E101 DISCHARGE TEMP HIGH. Oil not visible in sight glass."],
     ["Oil level low. Topped up {litres} L, found weeping fitting on oil filter head - tightened."])
scen("COMPRESSOR", "HITEMP", "THERMVLV", "REPLTV", "E101", "OHE 1.6 3.4", 90, 180,
     ["{tag} E101 high disch temp"],
     ["E101 at {ctemp} C, cooler clean, cooler outlet cold - oil bypassing cooler."],
     ["Thermostatic valve stuck, replaced element. Disch temp {ctemp2} C. OK."])
scen("COMPRESSOR", "HITEMP", "FANFAIL", "REPLFAN", "E101", "OHE 2.4 3.4", 120, 390,
     ["{tag} E101 - cooler fan not running"],
     ["E101 DISCHARGE TEMP HIGH, cooler fan stopped."],
     ["Cooler fan motor bearing seized, replaced fan motor. OK."])
scen("COMPRESSOR", "SEPDP", "SEPCLOG", "REPLSEP", "E117", "PDE 5.1 3.4", 120, 310,
     ["{tag} E117 separator dP high"],
     ["E117 SEPARATOR DP HIGH, sep dP {sepdp} bar."],
     ["Separator element clogged, replaced element. dP 0.2 bar. OK."])
scen("COMPRESSOR", "NOLOAD", "INLETVLV", "REPLKIT", "E140", "LOO 1.6 3.4", 150, 260,
     ["{tag} E140 won't load", "{tag} not loading - E140"],
     ["E140 FAILED TO LOAD, net pressure falling to {bar} bar."],
     ["Inlet valve sticking, fitted inlet valve service kit. Loads OK."])
scen("COMPRESSOR", "NOLOAD", "SOLVLV", "REPLSOL", "E140", "LOO 4.2 3.4", 60, 120,
     ["{tag} E140 won't load"],
     ["E140 FAILED TO LOAD, no click from loading solenoid."],
     ["Loading solenoid coil open circuit, replaced solenoid. OK."])
scen("COMPRESSOR", "CMPTRIP", "BRGWORN", "REPLBRG", "E125", "UST 2.4 3.4", 360, 520,
     ["{tag} E125 main motor overload"],
     ["E125 MAIN MOTOR OVERLOAD, motor {mtr} noisy at DE."],
     ["Main motor {mtr} DE bearing noisy, replaced both bearings (6316 C3). OK."])
scen("COMPRESSOR", "CMPTRIP", "LOOSETERM", "TIGHTEN", "E125", "UST 4.4 2.2", 60, 0,
     ["{tag} E125 main motor overload"],
     ["E125 MAIN MOTOR OVERLOAD, motor runs cool."],
     ["Loose terminal in star-delta starter (discoloured), re-terminated, thermal imaged OK."])
scen("COMPRESSOR", "OILLEAK", "HOSE", "REPLHOSE", None, "ELU 1.1 3.4", 60, 85,
     ["{tag} oil leak", "{tag} leaking oil under package"],
     ["Oil on floor under {tag}, level dropping."],
     ["Oil return hose chafed/leaking, replaced hose. OK."])

# --- Pumps (Aquilon, cooling water SCADA) ---
scen("PUMP", "LEAK", "SEALWORN", "REPLSEAL", "SEAL LEAK", "ELU 1.1 3.4", 240, 420,
     ["{tag} mech seal leaking", "{tag} seal leak, water on floor"],
     ["Mech seal on {tag} leaking steady stream, water on floor."],
     ["Mech seal faces worn, replaced mech seal (cartridge). No leak.", "Replaced mechanical seal, checked shaft. Dry."])
scen("PUMP", "LEAK", "GASKET", "REPLGSKT", "SEAL LEAK", "ELU 1.1 3.4", 120, 35,
     ["{tag} leaking at casing"],
     ["Water dripping at {tag} casing joint."],
     ["Casing gasket leaking, replaced gasket, bolts torqued. OK."])
scen("PUMP", "LEAK", "SLEEVEWORN", "REPLSLEEVE", "SEAL LEAK", "ELU 2.4 3.4", 360, 640,
     ["{tag} seal leaking again"],
     ["Seal leaking again on {tag}."],
     ["Shaft sleeve scored under seal, replaced sleeve + mech seal. OK."])
scen("PUMP", "LOWFLOW", "STRNRBLK", "CLNSTR", "PRESS LO", "LOO 2.1 3.1", 60, 0,
     ["{tag} low disch press / cavitating", "{tag} PRESS LO, noisy"],
     ["PRESS LO alarm, discharge {bar} bar (normal 4.2), gravel noise = cavitation."],
     ["Suction strainer blocked (scale/debris), cleaned. Disch press 4.2 bar, noise gone."])
scen("PUMP", "LOWFLOW", "IMPWORN", "REPLIMP", "PRESS LO", "LOO 2.3 3.4", 420, 980,
     ["{tag} low pressure, strainer clean"],
     ["PRESS LO, discharge {bar} bar, strainer clean."],
     ["Impeller eroded, wear ring clearance 1.2 mm. Replaced impeller + rings. 4.3 bar OK."])
scen("PUMP", "LOWFLOW", "AIRLOCK", "VENT", "PRESS LO", "LOO 5.3 3.2", 30, 0,
     ["{tag} no pressure after restart"],
     ["PRESS LO after header maintenance, pump running but no flow."],
     ["Air in casing after header work, vented + reprimed. OK."])
scen("PUMP", "PUMPVIB", "MISALIGN", "REALIGN", "VIB HI", "VIB 1.3 3.3", 120, 0,
     ["{tag} VIB HI alarm", "{tag} vibration high"],
     ["VIB HI alarm, {vib} mm/s at DE."],
     ["Coupling misaligned 0.35 mm offset. Laser aligned, vib {vib2} mm/s."])
scen("PUMP", "PUMPVIB", "BRGWORN", "REPLBRG", "VIB HI", "VIB 2.4 3.4", 300, 180,
     ["{tag} VIB HI, brg noise", "{tag} vibration high + noisy"],
     ["VIB HI alarm, {vib} mm/s at DE, bearing noise."],
     ["Pump DE brg 6309 spalled, replaced both brgs. Vib {vib2} mm/s."])
scen("PUMP", "PUMPTRIP", "OFFCURVE", "ADJVALVE", "MTR TRIP", "UST 2.7 3.1", 45, 0,
     ["{tag} motor tripped"],
     ["MTR TRIP on {tag}, overload relay tripped."],
     ["Discharge valve fully open - pump running off curve, overload. Throttled to design point, current {amps} A."])
scen("PUMP", "PUMPTRIP", "LOOSETERM", "TIGHTEN", "MTR TRIP", "UST 4.4 2.2", 60, 0,
     ["{tag} motor tripped"],
     ["MTR TRIP on {tag}, phase current imbalance."],
     ["Loose phase at motor terminal box, re-terminated. OK."])

# --- Motors (Halvorsen) ---
scen("MOTOR", "MTRNOISE", "BRGWORN", "REPLBRG", "NOISE", "NOI 2.4 3.4", 240, 95,
     ["{tag} motor noisy", "{tag} brg noise"],
     ["Operator reports grinding noise from {tag}, DE housing warm."],
     ["Motor bearings worn, replaced DE/NDE bearings. OK."])
scen("MOTOR", "MTROVHT", "FANCOVER", "CLEANFAN", None, "OHE 5.1 3.3", 30, 0,
     ["{tag} motor hot"],
     ["{tag} frame {temp} C on IR gun."],
     ["Fan cover clogged with dust/fibres, cleaned. Frame temp {temp2} C."])
scen("MOTOR", "MTROVHT", "SINGLEPH", "REPLFUSE", None, "OHE 4.2 3.4", 45, 15,
     ["{tag} motor hot, humming"],
     ["{tag} hot and humming, current unbalanced."],
     ["One fuse blown, motor single-phasing. Replaced fuse, contactor + IR checked OK."])
scen("MOTOR", "MTRINSUL", "WINDING", "REPLMTR", None, "BRD 4.5 3.4", 300, 900,
     ["{tag} motor burnt out"],
     ["{tag} tripped, smell of burnt varnish."],
     ["Winding to earth 0.1 MOhm - motor burnt. Replaced with spare motor."])


def ctx_for(tag):
    """Random values for the text templates."""
    acc0 = rng.choice([3.0, 4.0, 5.0])
    dec0 = rng.choice([2.0, 3.0, 4.0])
    return dict(
        tag=tag, cnv=conveyor_of(tag) if tag.startswith("VFD") else tag, mtr=motor_of(tag),
        n=rng.randint(2, 4), amps=rng.randint(14, 22), amps2=rng.randint(7, 9), fla=8.1,
        acc0="%.1f" % acc0, acc1="%.1f" % (acc0 + rng.choice([2.0, 3.0])),
        dec0="%.1f" % dec0, dec1="%.1f" % (dec0 + rng.choice([2.0, 3.0])),
        temp=rng.randint(78, 95), temp2=rng.randint(45, 58), brg=rng.choice(["6205-2Z", "6206-2Z"]),
        phase=rng.choice("UVW"), vdc=rng.randint(790, 830), ohm=rng.choice([60, 75, 100]),
        mins=rng.randint(20, 90), tool=rng.randint(1, 24), opn=rng.choice([10, 20, 30]),
        load=rng.randint(125, 160), load2=rng.randint(60, 85), prog=rng.randint(1100, 4999),
        vib="%.1f" % rng.uniform(6.5, 11.0), vib2="%.1f" % rng.uniform(1.2, 2.4),
        axis=rng.choice(["X", "Y", "Z", "Z", "X"]), pt=rng.randint(10, 140), joint=rng.choice([2, 3, 3, 4, 5]),
        cups=rng.choice([4, 6, 8]), ctemp=rng.randint(108, 114), ctemp2=rng.randint(82, 90),
        litres=rng.choice([4, 6, 8]), sepdp="%.1f" % rng.uniform(0.9, 1.3), bar="%.1f" % rng.uniform(2.0, 3.1),
    )


# --------------------------------------------------------------------------------------------
# Time helpers. The plant runs two shifts, Mon-Fri 05:00-21:00 UTC, Sat 05:00-13:00 UTC.
# --------------------------------------------------------------------------------------------
DAYS = [START.date() + timedelta(days=i) for i in range((NOW.date() - START.date()).days + 1)]


def in_production(day):
    wd = day.weekday()
    if wd == 6:
        return None
    return (5 * 60, (21 if wd < 5 else 13) * 60)


def prod_time(day):
    lo, hi = in_production(day)
    return datetime(day.year, day.month, day.day) + timedelta(minutes=rng.randrange(lo, hi),
                                                            seconds=rng.randrange(60))


def summer(day):
    return 5.0 if day.month in (6, 7, 8) else (1.5 if day.month in (5, 9) else 0.15)


def pick_day(lo=None, hi=None, weight=None):
    lo = lo or START.date()
    hi = hi or (NOW - timedelta(days=1)).date()
    days = [d for d in DAYS if lo <= d <= hi and in_production(d)]
    if weight is None:
        return rng.choice(days)
    ws = [weight(d) for d in days]
    return rng.choices(days, weights=ws, k=1)[0]


BUSY = {}  # tag -> [(start, end)]


def is_free(tag, t0, t1, margin_h=8):
    m = timedelta(hours=margin_h)
    for a, b in BUSY.get(tag, []):
        if t0 < b + m and a < t1 + m:
            return False
    return True


def lognorm_minutes(median, sigma=0.35):
    return max(5, int(round(median * math.exp(rng.gauss(0, sigma)))))


def trend(t):
    """Repairs get about a third faster over the two years (better spares, known fixes)."""
    frac = (t - START).total_seconds() / (NOW - START).total_seconds()
    return 1.2 - 0.4 * frac


def response_minutes(priority):
    return {1: rng.randint(4, 20), 2: rng.randint(10, 45), 3: rng.randint(20, 110)}.get(priority, 60)


def bd_priority(tag):
    return {"A": 1, "B": 2, "C": 3}[ASSET[tag][7]]


# --------------------------------------------------------------------------------------------
# Work orders and fault events
# --------------------------------------------------------------------------------------------
WOS = []      # dicts, numbered after sorting
EVENTS = []   # dicts


def add_event(tag, code, t, source=None):
    if source is None:
        source = "OPERATOR" if code in OPERATOR_CODES else SOURCE_OF_CLASS[fclass(tag)]
    EVENTS.append(dict(tag=tag, code=code, t=t, text=ALARM_TEXT[code], source=source))


def breakdown(tag, key, t0, fix=None, desc=None, title=None, status=None, extra_minutes=0,
              pre_resets=0, down_minutes=None):
    """One breakdown work order for scenario key=(problem, cause, remedy) at downtime start t0."""
    cls = fclass(tag)
    sc = S[(cls,) + key]
    ctx = ctx_for(tag)
    prio = bd_priority(tag)
    code = sc["code"]
    reported = t0 + timedelta(minutes=rng.randint(2, 12))
    started = reported + timedelta(minutes=response_minutes(prio))
    repair = int(lognorm_minutes(sc["minutes"], 0.3) * trend(t0)) + extra_minutes
    finished = started + timedelta(minutes=repair)
    down_end = finished - timedelta(minutes=rng.randint(0, min(10, repair // 3)))
    labour_h = (finished - started).total_seconds() / 3600.0
    wo = dict(
        tag=tag, type="EM", status=status, priority=prio,
        title=(title or rng.choice(sc["titles"])).format(code=code, **ctx),
        desc=(desc or rng.choice(sc["descs"])).format(code=code, **ctx),
        fault=code, reported_by=reporter(), reported=reported, started=started, finished=finished,
        down_start=t0, down_end=down_end, fclass=cls, problem=sc["prob"], cause=sc["cause"],
        remedy=sc["rem"], iso=sc["iso"], fix=(fix or rng.choice(sc["fixes"])).format(code=code, **ctx),
        ramp=None if fix else (code, ctx, rng.choice(sc["fixes"])),  # re-rendered in finalize()
        cost=round(labour_h * 78.0 + sc["parts"] * rng.uniform(0.9, 1.15), 2),
    )
    if status in ("WAPPR", "APPR", "INPRG"):
        wo.update(finished=None, remedy=None, cause=None, fix=None, down_end=None, cost=None,
                  iso=[sc["iso"][0], "", ""])
        if status != "INPRG":
            wo["started"] = None
        if down_minutes is not None:  # reset and running again while the work order is open
            wo["down_end"] = t0 + timedelta(minutes=down_minutes)
    WOS.append(wo)
    BUSY.setdefault(tag, []).append((t0, wo["finished"] or NOW))
    if code:
        # operators often reset a trip a few times before calling maintenance
        for i in range(pre_resets):
            add_event(tag, code, t0 - timedelta(minutes=rng.randint(3, 40) * (pre_resets - i), seconds=rng.randrange(60)))
        add_event(tag, code, t0)
    return wo


def random_breakdowns(tags, weights, key, count, lo=None, hi=None, dayweight=None):
    for _ in range(count):
        for _attempt in range(200):
            tag = rng.choices(tags, weights=weights, k=1)[0]
            t0 = prod_time(pick_day(lo, hi, dayweight))
            if is_free(tag, t0, t0 + timedelta(hours=6)):
                break
        breakdown(tag, key, t0, pre_resets=rng.choice([0, 0, 0, 1, 2]) if S[(fclass(tag),) + key]["code"] else 0)


def at(s):
    return datetime.strptime(s, "%Y-%m-%d %H:%M")


# ---- PMs first (they reserve their slots) ----
PM_PLAN = {
    # class: (months between, anchor weekday, start hour, minutes, downtime?, title, note choices, parts)
    "CNC": (1, 5, 6, 120, True, "PM-M {tag} monthly: way lube, coolant conc, ATC, filters, chip tray",
            ["Done, no defects.", "Done. Coolant conc 6.5%, topped up.", "Done. Way wipers X worn - CM raised.",
             "Done. ATC pots cleaned, door seals OK."], 45),
    "COMPRESSOR": (1, 1, 8, 45, False, "PM-M {tag} monthly: oil level, drains, dP, leaks",
                   ["Done, oil OK, drains OK.", "Done. Auto drain sluggish, cleaned.", "Done, no defects.",
                    "Done. Sep dP 0.4 bar."], 10),
    "ROBOT": (1, 5, 7, 60, True, "PM-M {tag} monthly: cables/dress pack, gripper, backup",
              ["Done, backup saved.", "Done. Dress pack J4 rubbing - re-tied.", "Done, no defects.",
               "Done, gripper fingers OK, backup saved."], 0),
    "CONVEYOR": (3, 5, 6, 90, True, "PM-Q {tag} quarterly: belt/chain tension, bearings, gearbox oil",
                 ["Done, no defects.", "Done. Chain re-tensioned + lubed.", "Done. Tail pulley brg noisy - monitor.",
                  "Done, gearbox oil level OK."], 20),
    "VFD": (6, 5, 7, 45, True, "PM {tag}: clean heatsink, check fan, cabinet filter, torque terminals",
            ["Done, filter replaced.", "Done. Heatsink dusty, blown out.", "Done, no defects.",
             "Done. Fan noisy - replaced."], 25),
    "PUMP": (3, 2, 9, 60, False, "PM-Q {tag} quarterly: vib readings, seal check, grease bearings",
             None, 15),
    "MOTOR": (6, 5, 8, 40, False, "PM-6M {tag}: grease, IR test, vibration",
              ["Done, IR > 1 GOhm, greased.", "Done, no defects.", "Done, vib OK, greased."], 10),
}


def pm_dates(months, weekday, month_phase, week):
    """Target dates: `weekday` in week `week` (0-2) of every `months`-th month from Sept 2024."""
    out = []
    y, m = 2024, 9
    i = 0
    while date(y, m, 1) <= NOW.date():
        if (i + month_phase) % months == 0:
            first = date(y, m, 1)
            out.append(first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * week))
        i += 1
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


PMP302_VIB = {  # quarterly PM vibration readings on the degrading pump (DE horizontal, mm/s)
    date(2024, 9, 1): 1.8, date(2024, 12, 1): 1.9, date(2025, 3, 1): 1.8, date(2025, 6, 1): 2.0,
    date(2025, 9, 1): 2.1, date(2025, 12, 1): 2.3, date(2026, 3, 1): 2.9, date(2026, 6, 1): 4.6,
    date(2026, 9, 1): 5.8,
}


JOB_PLAN = {"CNC": "CNC", "COMPRESSOR": "CMP", "ROBOT": "ROB", "CONVEYOR": "CNV", "VFD": "VFD",
            "PUMP": "PMP", "MOTOR": "MTR"}


def plan_suffix(title, d):
    for prefix, suffix in (("PM-M ", "M"), ("PM-Q ", "Q"), ("PM-A ", "A"), ("PM-6M ", "6M")):
        if title.startswith(prefix):
            return suffix
    return "Q" if d >= date(2025, 9, 1) else "6M"  # drive PMs


def pm_wos():
    index = {}
    for tag, a in ASSET.items():
        cls = a[6]
        months, weekday, hour, minutes, down, title, notes, parts = PM_PLAN[cls]
        n = index[cls] = index.get(cls, -1) + 1
        if cls == "VFD":  # filtered below: semi-annual, then quarterly
            dates = pm_dates(1, weekday, 0, 2)
        else:
            dates = pm_dates(months, weekday, 0 if tag == "PMP-302" else n % months, n % 3)
        for k, d in enumerate(dates):
            if cls == "VFD":
                # semi-annual until the 2025 OH trips, quarterly from September 2025
                if d < date(2025, 9, 1):
                    if d.month not in (3, 9):
                        continue
                elif d.month not in (3, 6, 9, 12):
                    continue
            t_start = datetime(d.year, d.month, d.day, hour, rng.randrange(0, 50))
            mins = lognorm_minutes(minutes, 0.2)
            t_end = t_start + timedelta(minutes=mins)
            if t_end > NOW - timedelta(hours=6):
                continue
            ttl = title.format(tag=tag)
            has_down = down
            note = None
            extra_parts = 0
            if cls == "CNC" and d.month % 3 == 0:
                ttl = "PM-Q %s quarterly: + spindle runout, backlash, ATC alignment" % tag
                mins = lognorm_minutes(240, 0.2)
                t_end = t_start + timedelta(minutes=mins)
            if cls == "COMPRESSOR" and d.month % 3 == 1:
                ttl = "PM-Q %s 4000 h service: oil, oil filter, air filter, separator" % tag
                if d >= date(2025, 9, 1):
                    ttl += ", clean oil cooler"
                mins = lognorm_minutes(180, 0.2)
                t_end = t_start + timedelta(minutes=mins)
                extra_parts = 620
                has_down = True
                # the controller shows "service due" a few days before
                add_event(tag, "W201", t_start - timedelta(days=rng.randint(2, 6), hours=rng.randint(0, 9), minutes=rng.randrange(60)))
            if cls == "ROBOT" and d.month == 12 and (tag in ("RBT-210", "RBT-211", "RBT-410") or d.year >= 2026):
                ttl = "PM-A %s annual: encoder backup batteries, reducer grease, full backup" % tag
                mins = lognorm_minutes(180, 0.2)
                t_end = t_start + timedelta(minutes=mins)
                extra_parts = 90
            if cls == "PUMP":
                v = PMP302_VIB.get(date(d.year, d.month, 1)) if tag == "PMP-302" else round(rng.uniform(1.2, 2.4), 1)
                if v is None:
                    v = round(rng.uniform(1.5, 2.2), 1)
                seal = "seal dry" if tag != "PMP-302" or d < date(2026, 3, 1) else "seal weeping slightly"
                note = "Vib DE-H %.1f mm/s, NDE-H %.1f mm/s, %s, greased." % (v, max(0.8, v * rng.uniform(0.6, 0.8)), seal)
                if tag == "PMP-302" and v >= 4.5:
                    note += " Vib trending up - monitor monthly."
            if note is None:
                note = rng.choice(notes)
            wo = dict(tag=tag, type="PM", status=None, priority=4 if a[7] != "A" else 3, title=ttl,
                      desc="Scheduled PM (job plan %s-%s)." % (JOB_PLAN[cls], plan_suffix(ttl, d)),
                      fault=None, reported_by=PLANNER,
                      reported=max(START + timedelta(hours=2), datetime(d.year, d.month, d.day, 2, 0) - timedelta(days=7)),
                      started=t_start, finished=t_end,
                      down_start=t_start if has_down else None,
                      down_end=(t_end - timedelta(minutes=rng.randint(0, 5))) if has_down else None,
                      fclass=None, problem=None, cause=None, remedy=None, iso=["", "", ""], fix=note,
                      cost=round(mins / 60.0 * 78.0 + parts + extra_parts, 2))
            WOS.append(wo)
            BUSY.setdefault(tag, []).append((t_start, t_end))


pm_wos()

# ---- Scripted stories ----
# 1. VFD-202 / CNV-202: repeated OC1 trips since August 2026 (accel time lengthened twice, jams,
#    then a worn motor bearing on MTR-202), and OC1 is back: open work order on 2026-11-19.
breakdown("VFD-202", ("OVERCURR", "ACCLOAD", "CLRJAM"), at("2026-08-04 09:12"), pre_resets=2,
          fix="Carton jammed under transfer plate, cleared. Reset OC1, runs OK.")
breakdown("VFD-202", ("OVERCURR", "ACCLOAD", "ADJACC"), at("2026-08-19 14:37"), pre_resets=3,
          fix="No jam found. Accel time P1.03 4.0->6.0 s, tested 5 loaded starts, OK.")
breakdown("VFD-202", ("OVERCURR", "ACCLOAD", "ADJACC"), at("2026-09-03 06:48"), pre_resets=3,
          fix="OC1 again at start. P1.03 6.0->8.0 s. Motor current on start 17 A (FLA 8.1 A) - high? Ran OK.")
breakdown("VFD-202", ("OVERCURR", "ACCLOAD", "CLRJAM"), at("2026-09-22 11:05"), pre_resets=2,
          fix="Bent side guide catching cartons at transfer, freed + straightened. Reset, OK.")
breakdown("VFD-202", ("OVERCURR", "MTRBRG", "REPLBRG"), at("2026-10-06 07:31"), pre_resets=4,
          desc="OC1 5th call since Aug. Motor MTR-202 noisy, DE housing 81 C, no-load current 6.9 A (normally 3.8 A).",
          fix="MTR-202 DE brg 6206-2Z rough, NDE 6205-2Z dry. Replaced both. No-load 3.9 A. Accel P1.03 back to 5.0 s. OK.")
# 2. PMP-302 cooling water pump: healthy in 2024-25, degrading through 2026.
breakdown("PMP-302", ("LEAK", "SEALWORN", "REPLSEAL"), at("2025-03-18 10:20"))
breakdown("PMP-302", ("LEAK", "SEALWORN", "REPLSEAL"), at("2026-04-14 08:05"),
          fix="Mech seal faces worn, replaced seal cartridge. Only 13 months since last seal.")
breakdown("PMP-302", ("PUMPVIB", "MISALIGN", "REALIGN"), at("2026-06-09 13:40"),
          fix="Coupling misaligned 0.35 mm offset (soft foot on motor). Laser aligned, vib 3.1 mm/s.")
breakdown("PMP-302", ("LEAK", "SLEEVEWORN", "REPLSLEEVE"), at("2026-07-21 09:15"),
          fix="Seal leaking again after 3 months. Shaft sleeve scored under seal, replaced sleeve + seal.")
breakdown("PMP-302", ("LOWFLOW", "STRNRBLK", "CLNSTR"), at("2026-08-25 15:02"),
          fix="Cavitating. Suction strainer ~60% blocked with scale, cleaned. 4.1 bar, noise gone.")
breakdown("PMP-302", ("PUMPVIB", "BRGWORN", "REPLBRG"), at("2026-09-29 07:50"),
          fix="DE brg 6309 C3 spalled, NDE rough. Replaced both. Vib 3.4 mm/s (still high for new brgs).")
breakdown("PMP-302", ("LOWFLOW", "STRNRBLK", "CLNSTR"), at("2026-10-20 12:26"),
          fix="Strainer blocked again (scale). Cleaned. Recommend flushing cooling loop.")
breakdown("PMP-302", ("LEAK", "SEALWORN", "REPLSEAL"), at("2026-11-03 06:35"),
          fix="3rd seal this year. Replaced seal. Shaft runout 0.08 mm at seal (limit 0.05). Pump needs overhaul - CM raised.")
breakdown("PMP-302", ("PUMPVIB", "BRGWORN", "REPLBRG"), at("2026-11-17 05:44"), status="INPRG",
          title="PMP-302 VIB HI 9.8 mm/s - duty to PMP-303",
          desc="VIB HI alarm, 9.8 mm/s DE. Duty switched to PMP-303. Bearing noise DE. Bearing kit + seal ordered, "
               "waiting on parts; overhaul quote requested (see CM).")
# 3. CNC-103: spindle overloads in spring 2025 (tools replaced), then worn spindle bearings:
#    spindle cartridge exchanged, about two and a half days down.
breakdown("CNC-103", ("SPINDLE", "TOOLWORN", "REPLTOOL"), at("2025-04-22 10:14"))
breakdown("CNC-103", ("SPINDLE", "TOOLWORN", "REPLTOOL"), at("2025-05-20 16:02"),
          fix="Tool T12 chipped, replaced. Spindle sounds rough at 10k rpm - monitor.")
breakdown("CNC-103", ("SPINDLE", "SPBRG", "REPLSPBRG"), at("2025-06-10 07:25"),
          desc="AL 1021 3rd time in 7 weeks, spindle noisy above 8k rpm, vib 7.9 mm/s, runout 18 um.")
# and now: Z-axis servo alarm, in progress
breakdown("CNC-103", ("AXISSERVO", "ENCCBL", "REPLENCCBL"), at("2026-11-19 16:20"), status="INPRG",
          title="CNC-103 AL 2040 Z axis servo alarm", desc="AL 2040 Z AXIS SERVO ALARM during pallet change, "
          "returns on Z jog. Checking encoder cable in carrier / swapping amp to test.", pre_resets=1)
# 4. RBT-212: encoder battery warnings ignored for three weeks -> position lost after a weekend.
for d in DAYS:
    if date(2026, 1, 12) <= d <= date(2026, 1, 30) and d.weekday() < 5:
        add_event("RBT-212", "W-0830", datetime(d.year, d.month, d.day, 5, rng.randint(2, 9), rng.randrange(60)))
breakdown("RBT-212", ("ENCBATT", "BATTLOW", "REPLBATT"), at("2026-02-02 05:07"))
# 5. VFD-402 pallet conveyor: braking resistor.
breakdown("VFD-402", ("OVERVOLT", "BRKRES", "REPLBRKR"), at("2025-01-14 13:22"), pre_resets=3)
# 6. Mains dips: several drives trip LU at the same second.
DIPS = [at("2024-11-07 14:03"), at("2025-03-26 09:41"), at("2025-07-15 16:58"), at("2026-01-20 06:12"),
        at("2026-06-30 15:27")]
for i, t in enumerate(DIPS):
    t = t + timedelta(seconds=17 + i)
    tripped = [v for v in ("VFD-201", "VFD-202", "VFD-203", "VFD-401", "VFD-402", "VFD-403") if rng.random() < 0.75]
    tripped = tripped or ["VFD-401"]
    for v in tripped:
        add_event(v, "LU", t)
    if i != 2:
        breakdown(tripped[0], ("UNDERVOLT", "SUPPLYDIP", "RESET"), t)
        EVENTS.pop()  # its alarm is already logged above
# 7. Open drive work order: OC1 is back on VFD-202.
breakdown("VFD-202", ("OVERCURR", "ACCLOAD", "ADJACC"), at("2026-11-19 13:52"), status="WAPPR", pre_resets=3,
          down_minutes=9,
          title="CNV-202 OC1 trips again on start (VFD-202)",
          desc="OC1 on VFD-202 at start, 3 resets this shift. Bearings replaced 6 Oct, accel 5.0 s. "
               "Start current 15 A. Please check - IGBT? motor cable?")
# 8. Open: RBT-410 palletizer vacuum fault
breakdown("RBT-410", ("GRIPPER", "CUPWORN", "REPLCUP"), at("2026-11-20 07:41"), status="WAPPR", pre_resets=2,
          down_minutes=14,
          title="RBT-410 E-3301 vacuum not reached, dropping layers",
          desc="E-3301 VACUUM NOT REACHED on layer pick, 2 layers dropped. Running at reduced speed.")

# ---- Random history (exact counts per scenario; see README) ----
VFDS = ["VFD-201", "VFD-202", "VFD-203", "VFD-401", "VFD-402", "VFD-403"]
OC1W = [2, 1, 1, 3, 2, 2]
BEFORE_AUG26 = date(2026, 7, 20)
# (no accel-time change on VFD-202 before its 2026 story: its ramp was still the 4.0 s default)
random_breakdowns(VFDS, [2, 0, 1, 3, 2, 2], ("OVERCURR", "ACCLOAD", "ADJACC"), 9, hi=BEFORE_AUG26)
random_breakdowns(VFDS, OC1W, ("OVERCURR", "ACCLOAD", "CLRJAM"), 8, hi=BEFORE_AUG26)
random_breakdowns(VFDS, OC1W, ("OVERCURR", "MTRBRG", "REPLBRG"), 5, hi=BEFORE_AUG26)
random_breakdowns(VFDS, OC1W, ("OVERCURR", "IGBTFAIL", "REPLIGBT"), 3, hi=BEFORE_AUG26)
random_breakdowns(["VFD-401", "VFD-402", "VFD-403"], [2, 1, 1], ("OVERCURR", "DECSHORT", "ADJDEC"), 3)
random_breakdowns(VFDS, [1, 1, 1, 2, 2, 1], ("OVERCURR", "LOADJAM", "CLRJAM"), 4)
random_breakdowns(VFDS, [1, 0, 1, 1, 1, 1], ("OVERCURR", "CBLDMG", "REPLCABLE"), 1)
random_breakdowns(["VFD-402"], [1], ("OVERVOLT", "BRKRES", "REPLBRKR"), 2)
random_breakdowns(["VFD-401", "VFD-403"], [1, 1], ("OVERVOLT", "BRKRES", "REPLBRKR"), 2)
random_breakdowns(["VFD-401", "VFD-402", "VFD-403"], [2, 1, 1], ("OVERVOLT", "DECSHORT", "ADJDEC"), 4)
random_breakdowns(["VFD-203"], [1], ("UNDERVOLT", "LOOSETERM", "TIGHTEN"), 1)
random_breakdowns(["VFD-401", "VFD-402", "VFD-403", "VFD-201"], [4, 2, 2, 1], ("OVERHEAT", "FILTCLOG", "CLEANFLT"), 7,
                  hi=date(2025, 8, 31), dayweight=summer)
random_breakdowns(VFDS, [1, 0, 1, 1, 1, 1], ("OVERHEAT", "FANFAIL", "REPLFAN"), 3, dayweight=summer)
random_breakdowns(["VFD-401", "VFD-402", "VFD-403"], [1, 2, 1], ("OVERLOAD", "CNVOVLD", "ADJTENS"), 3)
random_breakdowns(["VFD-201", "VFD-203", "VFD-401"], [1, 1, 1], ("OVERLOAD", "MTRBRG", "REPLBRG"), 2)
random_breakdowns(["VFD-201", "VFD-401", "VFD-403"], [1, 1, 1], ("EARTHFLT", "CBLDMG", "REPLCABLE"), 2)
random_breakdowns(["VFD-201"], [1], ("EARTHFLT", "WATERINGR", "DRYSEAL"), 1)
random_breakdowns(["VFD-201"], [1], ("FEEDBACK", "ENCCON", "RESEAT"), 3)
random_breakdowns(["VFD-201"], [1], ("FEEDBACK", "ENCFAIL", "REPLENC"), 1)

CNCS = ["CNC-101", "CNC-102", "CNC-103", "CNC-104", "CNC-105"]
random_breakdowns(CNCS, [3, 3, 2, 2, 2], ("SPINDLE", "TOOLWORN", "REPLTOOL"), 8)
random_breakdowns(CNCS, [1, 1, 1, 1, 2], ("SPINDLE", "PROGFEED", "ADJPROG"), 3)
random_breakdowns(CNCS, [3, 2, 2, 1, 1], ("AXISSERVO", "ENCCBL", "REPLENCCBL"), 6)
random_breakdowns(CNCS, [1, 1, 1, 1, 1], ("AXISSERVO", "WAYDRY", "LUBEPURGE"), 3)
random_breakdowns(CNCS, [1, 1, 1, 1, 1], ("AXISSERVO", "SRVAMP", "REPLAMP"), 1)
random_breakdowns(CNCS, [1, 1, 1, 1, 1], ("LUBE", "TANKLOW", "REFILL"), 4)
random_breakdowns(CNCS, [1, 1, 1, 1, 1], ("LUBE", "LUBEPMP", "REPLLUBEPMP"), 2)
random_breakdowns(CNCS, [1, 1, 1, 1, 1], ("LUBE", "LINEBLK", "CLRLINE"), 2)
random_breakdowns(["CNC-101", "CNC-102", "CNC-103", "CNC-105"], [1, 1, 2, 1], ("ATC", "AIRLOW", "ADJAIR"), 3)
random_breakdowns(["CNC-101", "CNC-102", "CNC-103", "CNC-105"], [1, 1, 1, 1], ("ATC", "PROXSW", "REPLSENS"), 3)
random_breakdowns(["CNC-101", "CNC-102", "CNC-103", "CNC-105"], [1, 1, 1, 1], ("ATC", "ATCALIGN", "ADJATC"), 2)
random_breakdowns(CNCS, [1, 1, 1, 1, 1], ("COOLANT", "CLTPMP", "REPLCLTPMP"), 2)
random_breakdowns(CNCS, [1, 1, 1, 1, 1], ("COOLANT", "CLTLOW", "REFILLCLT"), 2)

CNVS = ["CNV-110", "CNV-201", "CNV-202", "CNV-203", "CNV-401", "CNV-402", "CNV-403"]
BELTS = ["CNV-110", "CNV-201", "CNV-202", "CNV-203"]
random_breakdowns(CNVS, [0, 1, 2, 1, 2, 2, 1], ("JAM", "GUIDELOOSE", "ADJGUIDE"), 5)
random_breakdowns(CNVS, [1, 1, 1, 1, 3, 4, 2], ("JAM", "PRODUCT", "CLRJAM"), 8)
random_breakdowns(BELTS, [1, 2, 2, 1], ("BELT", "TRACKING", "ADJTRACK"), 6)
random_breakdowns(BELTS, [2, 1, 1, 0], ("BELT", "BELTDMG", "REPLBELT"), 2)
random_breakdowns(CNVS, [1, 1, 1, 1, 1, 2, 1], ("GEARBOX", "GBSEAL", "REPLSEAL"), 3)
random_breakdowns(CNVS, [0, 0, 0, 0, 0, 1, 0], ("GEARBOX", "GBWORN", "REPLGB"), 1)
random_breakdowns(CNVS, [0, 1, 1, 1, 2, 2, 1], ("SENSOR", "PEDIRTY", "CLEANPE"), 5)
random_breakdowns(CNVS, [0, 1, 1, 1, 1, 1, 1], ("SENSOR", "PEFAIL", "REPLPE"), 2)

RBTS = ["RBT-210", "RBT-211", "RBT-212", "RBT-213", "RBT-410"]
VAC = ["RBT-212", "RBT-213", "RBT-410"]
random_breakdowns(RBTS, [2, 2, 1, 1, 1], ("COLLISION", "PARTPOS", "RESETPOS"), 7)
random_breakdowns(RBTS, [1, 1, 1, 1, 1], ("COLLISION", "PAYLOAD", "ADJPAYLOAD"), 2)
random_breakdowns(RBTS, [1, 1, 1, 1, 0], ("COLLISION", "TEACHERR", "RETEACH"), 3)
random_breakdowns(RBTS, [2, 2, 1, 1, 1], ("SERVOOC", "HARNESS", "REPLHARN"), 3)
random_breakdowns(["RBT-410"], [1], ("SERVOOC", "REDUCER", "REPLRED"), 1)
random_breakdowns(RBTS, [1, 1, 1, 1, 1], ("SERVOOC", "BRAKE", "REPLBRAKE"), 2)
random_breakdowns(VAC, [1, 1, 2], ("GRIPPER", "CUPWORN", "REPLCUP"), 5)
random_breakdowns(VAC, [1, 1, 1], ("GRIPPER", "VACGEN", "CLNVAC"), 3)

CMPS = ["CMP-301", "CMP-302", "CMP-303"]
# CMP-301 ran hot every summer until cooler cleaning joined the 4000 h service in Sept 2025
random_breakdowns(["CMP-301", "CMP-302"], [4, 1], ("HITEMP", "COOLFOUL", "CLEANCOOL"), 5, hi=date(2025, 8, 31), dayweight=summer)
random_breakdowns(["CMP-301", "CMP-302"], [1, 1], ("HITEMP", "OILLOW", "TOPOIL"), 2)
random_breakdowns(CMPS, [1, 1, 0], ("HITEMP", "THERMVLV", "REPLTV"), 2)
random_breakdowns(CMPS, [1, 1, 1], ("HITEMP", "FANFAIL", "REPLFAN"), 1)
random_breakdowns(CMPS, [2, 1, 1], ("SEPDP", "SEPCLOG", "REPLSEP"), 3)
random_breakdowns(CMPS, [1, 1, 1], ("NOLOAD", "INLETVLV", "REPLKIT"), 3)
random_breakdowns(CMPS, [1, 1, 1], ("NOLOAD", "SOLVLV", "REPLSOL"), 1)
random_breakdowns(["CMP-301"], [1], ("CMPTRIP", "BRGWORN", "REPLBRG"), 1)
random_breakdowns(CMPS, [1, 1, 1], ("CMPTRIP", "LOOSETERM", "TIGHTEN"), 1)
random_breakdowns(CMPS, [1, 1, 1], ("OILLEAK", "HOSE", "REPLHOSE"), 3)

PMPS = ["PMP-110", "PMP-301", "PMP-303", "PMP-304"]  # PMP-302 is scripted above
random_breakdowns(PMPS, [2, 1, 1, 1], ("LEAK", "SEALWORN", "REPLSEAL"), 4)
random_breakdowns(PMPS, [1, 1, 1, 1], ("LEAK", "GASKET", "REPLGSKT"), 2)
random_breakdowns(PMPS, [2, 1, 0, 1], ("LOWFLOW", "STRNRBLK", "CLNSTR"), 2)
random_breakdowns(PMPS, [1, 1, 0, 1], ("LOWFLOW", "IMPWORN", "REPLIMP"), 2)
random_breakdowns(["PMP-303"], [1], ("LOWFLOW", "AIRLOCK", "VENT"), 1)
random_breakdowns(PMPS, [1, 1, 1, 1], ("PUMPVIB", "MISALIGN", "REALIGN"), 2)
random_breakdowns(PMPS, [1, 1, 1, 1], ("PUMPVIB", "BRGWORN", "REPLBRG"), 2)
random_breakdowns(["PMP-301"], [1], ("PUMPTRIP", "OFFCURVE", "ADJVALVE"), 1)
random_breakdowns(PMPS, [1, 1, 1, 1], ("PUMPTRIP", "LOOSETERM", "TIGHTEN"), 1)

MTRS = ["MTR-110", "MTR-201", "MTR-203", "MTR-401", "MTR-402", "MTR-403", "MTR-301", "MTR-303"]
random_breakdowns(MTRS, [1, 1, 1, 1, 2, 1, 1, 1], ("MTRNOISE", "BRGWORN", "REPLBRG"), 4)
random_breakdowns(["MTR-110", "MTR-401", "MTR-403"], [2, 1, 1], ("MTROVHT", "FANCOVER", "CLEANFAN"), 3)
random_breakdowns(MTRS, [1, 1, 1, 1, 1, 1, 1, 1], ("MTROVHT", "SINGLEPH", "REPLFUSE"), 1)
random_breakdowns(["MTR-203"], [1], ("MTRINSUL", "WINDING", "REPLMTR"), 1)

# ---- Corrective work orders (planned repairs, mostly found on PMs or rounds) ----
CM_TEMPLATES = {
    "CNC": [("Replace worn way wipers {axis} axis", "Found on PM, wipers split, chips getting under covers.", "Replaced way wipers {axis} axis.", 120, 140, None),
            ("Replace cracked coolant hose at spindle nozzle", "Coolant spraying outside guard.", "Replaced hose + clamps.", 45, 25, None),
            ("Repair door interlock switch - intermittent", "Door open alarm flickers in cycle.", "Replaced door interlock switch, tested.", 60, 110, None),
            ("Replace chip auger drive chain", "Chain stretched, jumping sprocket.", "Replaced chain + tensioner.", 150, 90, None)],
    "CONVEYOR": [("Replace worn belt (found on PM)", "Belt edge frayed, lacing worn.", "Belt replaced, tracked + tensioned.", 300, 1250, ("BELT", "BELTDMG", "REPLBELT")),
                 ("Replace worn drive chain + sprockets", "Chain elongation 2.5% at PM.", "Chain + sprockets replaced.", 240, 380, None),
                 ("Replace damaged side guide section", "Guide bent by forklift.", "New guide section fitted.", 90, 120, None),
                 ("Replace noisy tail pulley bearing", "Tail brg noisy on PM.", "Replaced tail pulley bearings.", 120, 60, None)],
    "VFD": [("Replace drive cabinet fan + filter", "Cabinet fan noisy.", "Fan + filter replaced.", 45, 70, None),
            ("Save VX-300 parameter backup to share", "No current backup on file.", "Backup saved, label on panel.", 30, 0, None)],
    "ROBOT": [("Replace worn gripper fingers", "Fingers worn, parts slipping.", "New fingers fitted, TCP checked.", 60, 180, None),
              ("Replace J3/J4 dress pack protective sleeve", "Sleeve worn through on PM.", "Sleeve replaced, re-tied.", 90, 75, None),
              ("Replace worn fixture nest", "Nest worn, parts tilting.", "New nest fitted + points checked.", 120, 260, None)],
    "COMPRESSOR": [("Repair air leak at receiver drain", "Leak audit: drain valve passing.", "Replaced auto drain valve.", 60, 95, None),
                   ("Replace cracked air intake hose", "Intake hose cracked.", "Hose replaced.", 45, 40, None)],
    "PUMP": [("Replace leaking valve gland", "Isolation valve gland weeping.", "Repacked gland.", 60, 20, None),
             ("Replace faulty discharge pressure gauge", "Gauge stuck at 0.", "Gauge replaced.", 20, 35, None)],
    "MOTOR": [("Replace terminal box gasket", "Gasket perished, moisture risk.", "Gasket replaced.", 30, 10, None)],
}
CM_COUNTS = {"CNC": 16, "CONVEYOR": 16, "VFD": 5, "ROBOT": 10, "COMPRESSOR": 6, "PUMP": 7, "MOTOR": 4}


def corrective(tag, title, desc, fix, minutes, parts, codes=None, reported=None, status=None, down=None):
    if reported is None:
        reported = prod_time(pick_day())
    start_day = reported.date() + timedelta(days=rng.randint(1, 12))
    while start_day.weekday() == 6:
        start_day += timedelta(days=1)
    started = datetime(start_day.year, start_day.month, start_day.day, rng.choice([6, 7, 8, 13, 14]), rng.randrange(60))
    mins = lognorm_minutes(minutes, 0.3)
    finished = started + timedelta(minutes=mins)
    if down is None:
        down = fclass(tag) in ("CNC", "CONVEYOR", "ROBOT") and rng.random() < 0.7
    ctx = ctx_for(tag)
    wo = dict(tag=tag, type="CM", status=status, priority=rng.choice([3, 3, 4]), title=title.format(**ctx),
              desc=desc.format(**ctx), fault=None, reported_by=reporter(), reported=reported,
              started=started, finished=finished, down_start=started if down else None,
              down_end=finished if down else None, fclass=None, problem=None, cause=None, remedy=None,
              iso=["", "", ""], fix=fix.format(**ctx),
              cost=round(mins / 60.0 * 78.0 + parts * rng.uniform(0.9, 1.1), 2))
    if codes:
        sc = S[(fclass(tag),) + codes]
        wo.update(fclass=fclass(tag), problem=codes[0], cause=codes[1], remedy=codes[2], iso=sc["iso"])
    if status in ("WAPPR", "APPR"):
        wo.update(started=None, finished=None, down_start=None, down_end=None, fix=None, cost=None)
    WOS.append(wo)
    return wo


for cls, n in CM_COUNTS.items():
    tags = [t for t, a in ASSET.items() if a[6] == cls]
    for _ in range(n):
        for _attempt in range(100):
            tag = rng.choice(tags)
            title, desc, fix, minutes, parts, codes = rng.choice(CM_TEMPLATES[cls])
            if cls == "CONVEYOR" and "belt" in title.lower() and tag not in BELTS:
                continue
            break
        wo = corrective(tag, title, desc, fix, minutes, parts, codes)
        if wo["finished"] > NOW - timedelta(hours=12):
            WOS.pop()

# scripted correctives
corrective("RBT-213", "Replace encoder backup batteries (W-0830)", "W-0830 ENCODER BATTERY LOW since this morning.",
           "Replaced batteries with controller powered (no remaster needed).", 40, 90,
           reported=at("2025-10-06 07:12"), down=True)
add_event("RBT-213", "W-0830", at("2025-10-06 05:06"))
add_event("RBT-213", "W-0830", at("2025-10-07 05:05"))
corrective("RBT-410", "Replace encoder backup batteries (W-0830)", "W-0830 on palletizer.",
           "Batteries replaced with power on. OK.", 40, 90, reported=at("2025-05-13 09:30"), down=True)
for k in range(3):
    add_event("RBT-410", "W-0830", at("2025-05-12 05:04") + timedelta(days=k, seconds=rng.randrange(60)))
corrective("RBT-212", "Add AR-8 robots to annual battery PM", "After E-0831 on RBT-212: AR-8s were not in the annual battery job plan.",
           "Job plan ROB-A updated for RBT-212/213.", 30, 0, reported=at("2026-02-03 10:00"), down=False)
corrective("PMP-302", "Overhaul PMP-302 - shaft runout, repeat seal/brg failures",
           "3 seals + 1 bearing set in 2026, shaft runout 0.08 mm. Quote for shaft/bearing housing overhaul or pump exchange.",
           "", 480, 0, reported=at("2026-11-03 15:10"), status="WAPPR")
corrective("CMP-301", "Add oil cooler cleaning to 4000 h service", "E101 trips every summer on CMP-301/302.",
           "Job plan CMP-Q updated: clean oil cooler every 4000 h service.", 20, 0, reported=at("2025-08-26 11:00"), down=False)
corrective("VFD-401", "Change drive PM from 6-monthly to quarterly", "OH trips on pack-out drives (carton dust).",
           "PM frequency for VFD-201..403 changed to quarterly from Sept 2025.", 20, 0, reported=at("2025-08-27 09:00"), down=False)

# ---- Cancelled duplicates: a second person raised the same breakdown ----
DUPS = []
for w in rng.sample([w for w in WOS if w["type"] == "EM" and w["status"] is None], 4):
    DUPS.append(w)
    WOS.append(dict(tag=w["tag"], type="EM", status="CAN", priority=w["priority"], title=w["title"],
                    desc=None, fault=w["fault"], reported_by=reporter(), reported=w["reported"] + timedelta(minutes=rng.randint(1, 6)),
                    started=None, finished=None, down_start=None, down_end=None, fclass=None, problem=None,
                    cause=None, remedy=None, iso=["", "", ""], fix=None, cost=None, dup_of=w))

# ---- Alarms that cleared without a work order ----


def noise(tags, weights, code, n, lo=None, hi=None, dayweight=None, source=None):
    for _ in range(n):
        tag = rng.choices(tags, weights=weights, k=1)[0]
        add_event(tag, code, prod_time(pick_day(lo, hi, dayweight)), source)


noise(CNVS, [1, 2, 3, 1, 5, 6, 3], "A101", 95)
noise(BELTS, [1, 2, 2, 1], "A104", 10)
noise(CNVS, [0, 1, 1, 1, 3, 3, 2], "A112", 15)
noise(VFDS, [2, 2, 1, 3, 2, 2], "OC1", 30, hi=BEFORE_AUG26)
noise(["VFD-202"], [1], "OC1", 22, lo=date(2026, 8, 1))
noise(["VFD-401", "VFD-402", "VFD-403"], [3, 2, 2], "OH", 12, dayweight=summer)
noise(["VFD-402", "VFD-401"], [3, 1], "OU", 6)
noise(["VFD-201"], [1], "Err 31", 5)
noise(CNCS, [1, 1, 1, 1, 1], "AL 3007", 65)
noise(CNCS, [1, 1, 1, 1, 1], "AL 5001", 35)
noise(CNCS, [1, 1, 2, 1, 1], "AL 1021", 18)
noise(["CNC-101", "CNC-102", "CNC-103", "CNC-105"], [1, 1, 1, 1], "AL 4010", 10)
noise(RBTS, [2, 2, 1, 1, 1], "E-1450", 45)
noise(VAC, [1, 1, 2], "E-3301", 30)
noise(RBTS, [1, 1, 1, 1, 1], "E-2210", 6)
noise(["CMP-301", "CMP-302", "CMP-303"], [4, 2, 1], "W105", 20, hi=date(2025, 8, 31), dayweight=summer)
noise(["CMP-301", "CMP-302", "CMP-303"], [1, 1, 1], "W105", 5, lo=date(2025, 9, 1), dayweight=summer)
noise(CMPS, [1, 1, 1], "E140", 4)
noise(["PMP-302"], [1], "VIB HI", 34, lo=date(2026, 6, 15))
noise(["PMP-302"], [1], "PRESS LO", 8, lo=date(2026, 7, 15))
noise(["PMP-110", "PMP-301", "PMP-303"], [1, 1, 1], "PRESS LO", 5)
noise(["PMP-302", "PMP-110", "PMP-304"], [3, 1, 1], "SEAL LEAK", 6)
noise(MTRS, [1, 1, 1, 1, 1, 1, 1, 1], "NOISE", 5)

# --------------------------------------------------------------------------------------------
# Procedures (Maximo-style job plans): one row per task, tasks numbered 10, 20, 30...
# (manufacturer, model) for one model, equipment class for a class, neither for every asset.
# --------------------------------------------------------------------------------------------
LOTO = "Lock out first (JP-LOTO)."
PROCEDURES = [
    ("JP-LOTO", "Lockout/tagout before maintenance", None, None, None, None, [
        ("Tell the line lead and the operator which machine you are stopping and for how long.", None),
        ("Stop the machine with its normal stop, then switch off the main isolator.", None),
        ("Fit your own padlock and a signed tag on every isolator: electrical, air, hydraulic, water.",
         "One lock per person. Never work under someone else's lock."),
        ("Release stored energy: bleed air and hydraulic pressure, block raised loads, wait for the "
         "drive's DC bus to discharge (5 min).", "DC bus capacitors stay live after isolation."),
        ("Try to start the machine from its panel to prove it is dead, then return the switch to off.", None),
        ("Test for absence of voltage at the work point with a tested voltage tester.",
         "Test the tester on a known live source before and after."),
    ]),
    ("JP-VX-OC1", "VX-300 overcurrent on acceleration (OC1)", "Vantor Drives", "VX-300", None, "OVERCURR", [
        ("Read the drive's fault log (menu 9.1): count the OC1 trips and note the output current at trip.", None),
        ("Walk the conveyor: look for jammed product, broken slats or a bent side guide. Clear and reset.",
         "Stop and lock out the conveyor before reaching in (JP-LOTO)."),
        ("With the drive isolated, turn the motor shaft by hand. Rough or noisy: replace the motor "
         "bearings (remedy REPLBRG).", LOTO),
        ("Disconnect the motor cable at the drive and test motor and cable at 500 V: above 100 MOhm "
         "phase to earth is good. Low: look for a crushed cable at floor crossings.",
         "Check the DC bus is below 50 V at P+/N- before touching the terminals."),
        ("Compare accel time P1.03 with the loaded start current: if the start current is above 150 % "
         "of motor FLA, lengthen P1.03 by 2 s and test 5 loaded starts.", None),
        ("If OC1 comes on the run command even with the motor disconnected, the IGBT module has "
         "failed: replace it (remedy REPLIGBT) and reload the parameter backup.", None),
        ("Record what you found and the remedy in the work order before closing.", None),
    ]),
    ("JP-VX-OH", "VX-300 heatsink overheat (OH): filters and fan", "Vantor Drives", "VX-300", None,
     "OVERHEAT", [
        ("Read the heatsink temperature (monitor 2.7) and the cabinet temperature.", None),
        ("Isolate the drive cabinet and replace the door filter mats.", LOTO),
        ("Blow the heatsink fins clean from the top with dry air at low pressure.",
         "Wear eye protection; carton dust is fine and flammable."),
        ("Spin the drive fan by hand: it must turn freely. Power up and check it runs; replace it if "
         "not (remedy REPLFAN).", None),
        ("Run the conveyor loaded for 30 minutes and check the heatsink stays below 70 C.", None),
    ]),
    ("JP-PUMP-SEAL", "Replace the mechanical seal (end-suction pump)", None, None, "Pumps", "LEAK", [
        ("Switch duty to the standby pump where there is one, then isolate the pump.", LOTO),
        ("Close suction and discharge valves, drain the casing and check the pressure gauge reads zero.",
         "Hot water: let the casing cool below 40 C."),
        ("Remove the coupling guard and spacer, then the back-pull-out unit.", None),
        ("Remove impeller and old seal; check the shaft sleeve for scoring (replace if grooved).", None),
        ("Fit the new seal with clean hands and a drop of water on the faces, set the working length "
         "from the seal drawing.", "Never run a mechanical seal dry."),
        ("Refit, align the coupling (JP-PUMP-VIB step 3), vent the casing, open the valves.", None),
        ("Run for 15 minutes and check the seal: no visible leak.", None),
    ]),
    ("JP-PUMP-VIB", "Pump vibration check and coupling alignment", None, None, "Pumps", "PUMPVIB", [
        ("Measure vibration at pump and motor bearings (mm/s RMS, horizontal, vertical, axial). "
         "Above 4.5 mm/s: continue; above 7.1 mm/s: switch to standby now.", None),
        ("Check the suction strainer differential pressure: blocked strainers make the pump cavitate.", None),
        ("Isolate the pump and check soft foot: loosen each foot bolt in turn, more than 0.05 mm "
         "movement needs shims.", LOTO),
        ("Align the coupling with the laser tool: within 0.05 mm offset and 0.05 mm/100 mm angle.", None),
        ("Check shaft runout at the coupling: above 0.05 mm, raise a CM for an overhaul.", None),
        ("Restart, measure again and write the readings into the work order.", None),
    ]),
    ("JP-NSC-E101", "Screw compressor high discharge temperature (E101)", None, None, "Compressors",
     "HITEMP", [
        ("Read the discharge temperature history on the AirLogic 2 panel (service menu 4).", None),
        ("Check the oil level in the sight glass with the compressor stopped and unloaded.",
         "Wait 2 minutes after stopping: the separator tank is under pressure."),
        ("Isolate the compressor and blow the oil cooler clean from the fan side.", LOTO),
        ("Check the cooler fan runs and the room air inlet louvres are open.", None),
        ("If the temperature is still high, replace the thermostatic valve element.", None),
    ]),
    ("JP-KM-AL2040", "KM-600 axis servo alarm (AL 2040)", "Kessler Mechatronik", "KM-600", None,
     "AXISSERVO", [
        ("Note which axis the alarm names and whether it comes at rapid traverse or cutting.", None),
        ("Check the way lube level and pressure: starved ways make the servo overload.", None),
        ("Isolate the machine and inspect the encoder cable along the cable carrier for kinks or "
         "broken shield.", LOTO),
        ("Swap the suspect axis's encoder cable with the spare and test with a slow traverse.", None),
        ("If the alarm stays, call Kessler service about the servo amplifier; write the alarm "
         "history into the work order.", None),
    ]),
    ("JP-CNC-LUBE", "Way lube alarm (AL 3007): refill and check the metering units", None, None,
     "Machine tools", "LUBE", [
        ("Refill the way lube tank with the oil on the tank label (ISO VG 68 way oil).", None),
        ("Press the manual lube button and watch the pressure gauge reach 15-20 bar.", None),
        ("If pressure stays low, check the metering units at the slides for blockage.", LOTO),
    ]),
    ("JP-AR-BATT", "Replace robot encoder backup batteries (W-0830)", None, None, "Industrial robots",
     "ENCBATT", [
        ("Plan it the same day the W-0830 warning appears: position data is lost if the batteries die "
         "while the controller is off.", None),
        ("Keep the controller switched on: the batteries are changed under power.",
         "Switching off with the batteries out loses the encoder positions (E-0831, remastering)."),
        ("Open the battery box on the robot base and replace all cells at once.", None),
        ("Reset the warning on the teach pendant and check the axis positions against the marks.", None),
    ]),
]


# --------------------------------------------------------------------------------------------
# Number, check and write
# --------------------------------------------------------------------------------------------


def ts(t):
    return t.strftime(FMT) if t else ""


def finalize():
    WOS.sort(key=lambda w: (w["reported"], w["tag"], w["type"]))
    # Ramp times only ever grow on a drive: walk the history in order and rewrite the numbers in
    # the generated "lengthened accel/decel time" texts (scripted texts carry their own numbers).
    ramps = {}
    for w in WOS:
        if w.get("ramp") and w["remedy"] in ("ADJACC", "ADJDEC") and w["status"] is None:
            code, ctx, tpl = w["ramp"]
            which = "acc" if w["remedy"] == "ADJACC" else "dec"
            old = ramps.get((w["tag"], which), 3.0 if which == "acc" else 2.0)
            new = old + rng.choice([1.0, 1.5, 2.0])
            ramps[(w["tag"], which)] = new
            ctx = dict(ctx, **{which + "0": "%.1f" % old, which + "1": "%.1f" % new})
            w["fix"] = tpl.format(code=code, **ctx)
    for i, w in enumerate(WOS):
        w["wonum"] = str(41001 + i)
    for w in WOS:
        if w.get("dup_of"):
            w["desc"] = "Duplicate of WO %s - raised twice by shift." % w["dup_of"]["wonum"]
        if w["status"] is None:
            w["status"] = "COMP" if w["finished"] >= NOW - timedelta(days=7) else "CLOSE"
    EVENTS.sort(key=lambda e: (e["t"], e["tag"], e["code"]))


finalize()

# consistency checks: catalogue tuples, ISO codes, time order
CAT_TUPLES = set()
for cls, probs in CATALOGUE.items():
    for p, _pd, causes in probs:
        for c, _cd, rems in causes:
            for r, _rd in rems:
                CAT_TUPLES.add((cls, p, c, r))
MECHS = {c for c, _p, _d in ISO_MECHANISMS}
ICAUSES = {c for c, _p, _d in ISO_CAUSES}
for sc in S.values():
    assert (sc["cls"], sc["prob"], sc["cause"], sc["rem"]) in CAT_TUPLES, sc
for w in WOS:
    cls = fclass(w["tag"])
    if w["problem"] and w["cause"]:
        assert (w["fclass"], w["problem"], w["cause"], w["remedy"]) in CAT_TUPLES, w
        assert w["fclass"] == cls
    m, mech, cause = w["iso"]
    if m:
        assert m in ISO_MODES[ISO_CLASS[cls]], (w["tag"], m)
    assert not mech or mech in MECHS
    assert not cause or cause in ICAUSES
    for a, b in (("reported", "started"), ("started", "finished"), ("down_start", "down_end")):
        if w[a] and w[b]:
            assert w[a] <= w[b], (w["wonum"], a, b)
    for k in ("reported", "started", "finished", "down_start", "down_end"):
        assert w[k] is None or START <= w[k] <= NOW, (w["wonum"], k, w[k])
    assert len(w["title"]) <= 100, w["title"]
for e in EVENTS:
    assert START <= e["t"] <= NOW, e


def write(name, header, rows):
    with open(os.path.join(OUT, name), "w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(header)
        wr.writerows(rows)
    return len(rows)


def catalogue_rows():
    rows = []
    seen = set()

    def add(typ, code, parent, desc):
        k = (typ, parent, code)
        if k in seen:
            return
        seen.add(k)
        rows.append([typ, code, parent or "", desc])

    for cls, probs in CATALOGUE.items():
        add("FAILURECLASS", cls, None, "%s (ISO 14224: %s)" % (CLASS_DESC[cls], ISO_CLASS[cls]))
        for p, pd, causes in probs:
            add("PROBLEM", p, cls, pd)
            for c, cd, rems in causes:
                add("CAUSE", c, p, cd)
                for r, rd in rems:
                    add("REMEDY", r, c, rd)
    for eq in ISO_MODES:
        for m in ISO_MODES[eq]:
            add("ISO-MODE", m, eq, ISO_MODE_DESC[m])
    for c, p, d in ISO_MECHANISMS:
        add("ISO-MECHANISM", c, p, d)
    for c, p, d in ISO_CAUSES:
        add("ISO-CAUSE", c, p, d)
    return rows


CRIT_WORD = {"A": "HIGH", "B": "MEDIUM", "C": "LOW"}
counts = {}
counts["failure_codes.csv"] = write("failure_codes.csv", ["TYPE", "FAILURECODE", "PARENT", "DESCRIPTION"],
                                    catalogue_rows())
asset_rows = []
for tag, name, loc, parent, maker, model, cls, crit, desc in ASSETS:
    asset_rows.append([tag, name, "PLANT1", loc, LOCATIONS[loc], parent or "", MAKERS[maker], model,
                       ISO_CLASS[cls], CRIT_WORD[crit], serial_for(tag, maker), desc])
counts["assets.csv"] = write("assets.csv", ["ASSETNUM", "DESCRIPTION", "SITEID", "LOCATION", "LOCATIONDESC",
                                           "PARENT", "MANUFACTURER", "MODELNUM", "EQUIPCLASS", "CRITICALITY",
                                           "SERIALNUM", "LONGDESCRIPTION"], asset_rows)
wo_rows = []
for w in WOS:
    wo_rows.append([w["wonum"], w["tag"], w["type"], w["status"], w["priority"], w["title"], w["desc"] or "",
                    w["fault"] or "", w["reported_by"], ts(w["reported"]), ts(w["started"]), ts(w["finished"]),
                    ts(w["down_start"]), ts(w["down_end"]), w["fclass"] or "", w["problem"] or "",
                    w["cause"] or "", w["remedy"] or "", w["iso"][0], w["iso"][1], w["iso"][2], w["fix"] or "",
                    "" if w["cost"] is None else "%.2f" % w["cost"]])
counts["work_orders.csv"] = write("work_orders.csv", [
    "WONUM", "ASSETNUM", "WORKTYPE", "STATUS", "WOPRIORITY", "DESCRIPTION", "LONGDESCRIPTION", "FAULTCODE",
    "REPORTEDBY", "REPORTDATE", "ACTSTART", "ACTFINISH", "DOWNSTART", "DOWNEND", "FAILURECLASS", "PROBLEMCODE",
    "CAUSE", "REMEDY", "ISOMODE", "ISOMECHANISM", "ISOCAUSE", "FAILUREREMARK", "ACTTOTALCOST"], wo_rows)
proc_rows = []
for code, title, maker, model, cls, problem, steps in PROCEDURES:
    for i, (text, caution) in enumerate(steps):
        proc_rows.append([code, title, maker or "", model or "", cls or "", problem or "", (i + 1) * 10, text,
                          caution or ""])
counts["procedures.csv"] = write("procedures.csv", ["JPNUM", "DESCRIPTION", "MANUFACTURER", "MODELNUM",
                                                    "EQUIPCLASS", "FAILURECODE", "JPTASK", "TASKDESC",
                                                    "CAUTION"], proc_rows)
ev_rows = []
for i, e in enumerate(EVENTS):
    ev_rows.append(["EV%06d" % (i + 1), e["tag"], e["code"], e["text"], ts(e["t"]), e["source"]])
counts["fault_events.csv"] = write("fault_events.csv", ["EVENTID", "ASSETNUM", "ALARMCODE", "ALARMTEXT",
                                                        "EVENTTIME", "SOURCE"], ev_rows)

# Production counts for OEE (production.csv): one row per line and shift over the last 26
# weeks. Shifts: A 05:00-13:00 and B 13:00-21:00 Mon-Fri, A only on Saturday; 30 min planned
# break each (PBT 7.5 h). The line stops whenever a breakdown stops any of its machines, so the
# counts agree with the work orders; the rest is speed loss and scrap. Its own random stream:
# the other files do not change when this part does.
prng = random.Random(SEED + 22400)
PROD_LINES = [("L1-MACH", 90), ("L2-ASSY", 40), ("L3-PACK", 20)]  # line, planned s per unit
line_stops = {}
for w in WOS:
    loc = ASSET[w["tag"]][2]
    if w["type"] == "EM" and w["status"] != "CAN" and w["down_start"]:
        line_stops.setdefault(loc, []).append((w["down_start"], w["down_end"] or NOW))


def stopped_hours(loc, t0, t1):
    spans = sorted((max(a, t0), min(b, t1)) for a, b in line_stops.get(loc, []) if a < t1 and b > t0)
    total, end = timedelta(0), None
    for a, b in spans:
        if end is not None and a < end:
            a = end
        if b > a:
            total += b - a
            end = b if end is None else max(end, b)
    return total.total_seconds() / 3600.0


prod_rows = []
for day in DAYS:
    if day < (NOW - timedelta(weeks=26)).date() or in_production(day) is None:
        continue
    shifts = [("A", 5)] + ([("B", 13)] if day.weekday() < 5 else [])
    for name, hour in shifts:
        t0 = datetime(day.year, day.month, day.day, hour)
        t1 = t0 + timedelta(hours=8)
        if t1 > NOW:
            continue
        for loc, cycle_s in PROD_LINES:
            apt = max(0.0, 7.5 - stopped_hours(loc, t0, t1))
            made = int(apt * 3600 / cycle_s * prng.uniform(0.84, 0.96))
            scrap = int(round(made * prng.uniform(0.004, 0.03)))
            prod_rows.append([loc, name, ts(t0), ts(t1), "7.5", str(cycle_s), str(made), str(made - scrap), str(scrap)])
counts["production.csv"] = write("production.csv", ["LINE", "SHIFT", "SHIFTSTART", "SHIFTEND", "PLANNEDHRS",
                                                    "CYCLESEC", "QTYMADE", "QTYGOOD", "QTYSCRAP"], prod_rows)

by_type = {}
for w in WOS:
    by_type[w["type"]] = by_type.get(w["type"], 0) + 1
for name, n in counts.items():
    print("%-18s %5d rows" % (name, n))
print("work orders by WORKTYPE: %s; open (WAPPR/APPR/INPRG): %d" % (
    ", ".join("%s %d" % kv for kv in sorted(by_type.items())),
    sum(1 for w in WOS if w["status"] in ("WAPPR", "APPR", "INPRG"))))

# The OEM manuals of the demo's machines (PDFs written by the project itself).
sys.dont_write_bytecode = True
sys.path.insert(0, OUT)
import generate_manuals  # noqa: E402

generate_manuals.main()
sys.exit(0)
