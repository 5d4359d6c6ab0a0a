#!/usr/bin/env python3
"""Write the demo plant's three OEM-style manuals as PDFs into assets/demo/manuals/.

The manufacturers, models, alarm codes and procedures are the demo plant's own inventions (see
README.md beside this file) and agree with failure_codes.csv and procedures.csv: the same codes,
the same causes and remedies, the same parameter and menu numbers. The text is written for this
project; nothing is copied from a real manual. Standard library only (tiny_pdf.py); two runs give
byte-identical files. `generate.py` calls this at its end; it can also run alone:
`python3 assets/demo/generate_manuals.py [OUT_DIR]`.
"""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tiny_pdf import Document  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "manuals")

# File name, manufacturer, models it is linked to in the library (demo-load reads the same list
# from crates/faultline-core/src/demo.rs: keep them in step).
MANUALS = [
    ("vantor-vx300-instruction-manual.pdf", "Vantor Drives", ["VX-300"]),
    ("nordhavn-nsc-operation-maintenance.pdf", "Nordhavn Air", ["NSC-55", "NSC-37"]),
    ("kessler-km600-maintenance-manual.pdf", "Kessler Mechatronik", ["KM-600", "KM-800H"]),
]


def cover(doc, maker, title, subtitle, lines, contents):
    pg = doc.page()
    pg.gap(60)
    pg.p(maker, 13, True)
    pg.gap(10)
    pg.p(title, 22, True)
    pg.gap(6)
    pg.p(subtitle, 13)
    pg.gap(20)
    for line in lines:
        pg.p(line)
    pg.gap(30)
    pg.h2("Contents")
    pg.table([60, 360], ["Section", "Title"], contents, 10)
    return pg


def vx300():
    doc = Document("Vantor VX-300 Variable Frequency Drive - Instruction Manual",
                   "Vantor Drives  |  VX-300 Instruction Manual", "VX3-IM-EN  Edition 3")
    cover(doc, "Vantor Drives", "VX-300 Series", "Variable frequency drive 0.75 - 15 kW, 400 V class\n"
          "Instruction manual: installation, parameters, fault codes, maintenance",
          ["Document VX3-IM-EN, edition 3. Read this manual before installing, wiring or servicing "
           "the drive, and keep it with the machine.",
           "Applies to all VX-300 drives with firmware 2.x (shown in monitor 2.12)."],
          [["1", "Safety instructions"], ["2", "Ratings and installation"], ["3", "Power wiring"],
           ["4", "Control wiring"], ["5", "Keypad, menus and monitors"], ["6", "Parameters"],
           ["7", "Fault codes"], ["8", "Troubleshooting"], ["9", "Maintenance"],
           ["10", "Spare parts and service"]])

    pg = doc.page()
    pg.h1("1  Safety instructions")
    pg.p("The VX-300 holds dangerous voltages on its power terminals and DC bus whenever mains is "
         "connected, and for some minutes after it is switched off. Only qualified electricians may "
         "install, wire or service the drive.")
    pg.h2("1.1  Before you open the drive or touch the motor cable")
    pg.bullets([
        "Isolate the supply, lock and tag the isolator (follow the plant's lockout procedure).",
        "Wait at least 5 minutes after the keypad display goes dark. The DC bus capacitors stay "
        "charged; measure DC+ to DC- and start work only below 50 V DC.",
        "A stopped motor is not a safe motor: a coasting conveyor turns the motor, which then "
        "feeds voltage back to the drive terminals U, V, W.",
        "Never connect mains to the output terminals U, V, W: the drive is destroyed at once.",
    ])
    pg.h2("1.2  Hot surfaces and airflow")
    pg.p("The heatsink may exceed 80 C in operation. Keep 100 mm free above and below the drive "
         "for cooling air. Dust on the heatsink fins and clogged cabinet filter mats are the most "
         "frequent cause of heatsink overheat trips (code OH).")
    pg.h2("1.3  Automatic restart")
    pg.p("With auto-reset enabled (P5.10 greater than 0) the drive restarts the motor by itself "
         "after some faults. Put a warning sign on the machine and never work on the driven "
         "machine with only the drive's stop command as protection.")
    pg.h2("1.4  Symbols used in this manual")
    pg.table([90, 390], ["Symbol", "Meaning"], [
        ["DANGER", "Hazardous voltage: death or serious injury if ignored."],
        ["WARNING", "Risk of injury or damage to the drive or machine."],
        ["NOTE", "Information that helps you set up or service the drive."]])

    pg = doc.page()
    pg.h1("2  Ratings and installation")
    pg.p("Input 3 x 380 - 480 V, 50/60 Hz. Output 0 - 400 Hz. Overload 150 % of rated current for "
         "60 s every 10 minutes (heavy duty).")
    pg.table([70, 70, 90, 90, 90, 70],
             ["Type", "Motor kW", "Rated out A", "Input fuse", "Frame", "Weight"], [
                 ["VX3-4A0", "1.5", "4.0", "10 A gG", "A", "1.6 kg"],
                 ["VX3-5A6", "2.2", "5.6", "10 A gG", "A", "1.7 kg"],
                 ["VX3-9A5", "4.0", "9.5", "16 A gG", "B", "2.9 kg"],
                 ["VX3-12A", "5.5", "12.0", "20 A gG", "B", "3.1 kg"],
                 ["VX3-17A", "7.5", "17.0", "25 A gG", "C", "5.4 kg"],
                 ["VX3-31A", "15", "31.0", "40 A gG", "C", "6.0 kg"]])
    pg.h2("2.1  Mounting")
    pg.bullets([
        "Mount vertically on a metal back plate, terminals at the bottom.",
        "Ambient 0 to 40 C at rated current; derate 2 % per degree up to 50 C.",
        "Cabinet air inlet with filter mat (grade G3 or finer in dusty areas, e.g. carton dust); "
        "outlet above the drive. Size the cabinet fan for the drive losses (about 3 % of power).",
        "Keep the drive away from water spray and condensation. Conformal coating is standard.",
    ])
    pg.h2("2.2  Environment")
    pg.p("Pollution degree 2. Where dust is present, inspect the filter mats monthly at first and "
         "set the inspection interval from what you find (see section 9).")

    pg = doc.page()
    pg.h1("3  Power wiring")
    pg.table([70, 410], ["Terminal", "Function"], [
        ["L1 L2 L3", "Mains input, 3 x 380 - 480 V"],
        ["PE", "Protective earth, drive and motor (separate conductors)"],
        ["U, V, W", "Motor output. Never connect mains here."],
        ["DC+ BR", "External braking resistor (frames B and C have the brake chopper built in)"],
        ["DC+ DC-", "DC bus, for measuring only"]])
    pg.h2("3.1  Motor cable")
    pg.p("Use screened 4-core cable, screen bonded 360 degrees at both ends. Maximum length 50 m "
         "screened. Where the cable crosses a walkway or a conveyor frame, protect it: a crushed "
         "motor cable gives earth leakage and overcurrent trips that come and go with vibration.")
    pg.h2("3.2  Braking resistor")
    pg.p("Loads with high inertia (pallet conveyors, vertical movements) return energy to the "
         "drive when they decelerate. Without a braking resistor the DC bus rises and the drive "
         "trips on overvoltage (OU). Check the resistor value on the rating plate against the "
         "table; an open resistor reads infinite ohms and has the same effect as none.")
    pg.table([90, 120, 120, 120], ["Type", "Min. resistance", "Typical", "Power (10 % ED)"], [
        ["VX3-4A0/5A6", "100 ohm", "150 ohm", "200 W"],
        ["VX3-9A5/12A", "56 ohm", "75 ohm", "500 W"],
        ["VX3-17A/31A", "27 ohm", "39 ohm", "1000 W"]])
    pg.h2("3.3  Insulation test")
    pg.p("Disconnect the motor cable from U, V, W before any insulation test. Test motor and cable "
         "together at 500 V DC: above 100 MOhm phase to earth is good, below 1 MOhm the motor or "
         "cable must be repaired. Never test at the drive terminals.")

    pg = doc.page()
    pg.h1("4  Control wiring")
    pg.table([70, 140, 270], ["Terminal", "Signal", "Factory function"], [
        ["DI1", "24 V digital input", "Run forward"],
        ["DI2", "24 V digital input", "Run reverse"],
        ["DI3", "24 V digital input", "External fault (EF), normally closed"],
        ["DI4", "24 V digital input", "Fault reset"],
        ["AI1", "0 - 10 V", "Speed reference"],
        ["AI2", "4 - 20 mA", "Speed reference (selected by P2.01)"],
        ["AO1", "0 - 10 V", "Output frequency"],
        ["RO1", "Relay, 250 V 2 A", "Fault (opens on trip)"],
        ["ENC A B", "HTL encoder", "Speed feedback, closed loop only (P1.20 = 2)"]])
    pg.h2("4.1  External fault input")
    pg.p("DI3 opens on a thermistor relay, a motor isolator auxiliary contact or a safety "
         "circuit. A broken wire or a wet terminal box gives the same trip EF as a real external "
         "fault. Check the input in monitor 2.9 (digital input state).")
    pg.h2("4.2  Encoder")
    pg.p("In closed loop (P1.20 = 2) the drive trips with Err 31 when the encoder signal is lost. "
         "Use screened twisted-pair cable; connector and screen clamp must be tight. A loose "
         "encoder connector is the usual cause; a failed encoder is rare.")

    pg = doc.page()
    pg.h1("5  Keypad, menus and monitors")
    pg.p("The keypad has a 5-digit 7-segment display. Faults flash as E. followed by the code, "
         "in the letters a 7-segment display can show (E.oU for OU, E.LU for LU). The fault log "
         "and the fieldbus give the plain code. The list of codes is in section 7.")
    pg.table([120, 360], ["Display", "State"], [
        ["50.0 (steady)", "Running, output frequency in Hz"],
        ["50.0 (flashing)", "Accelerating or decelerating"],
        ["StoP", "Ready, no run command"],
        ["E. and code (flashing)", "Tripped on a fault: see section 7"],
        ["A. and code", "Warning, still running (e.g. A.oH heatsink warm)"]])
    pg.h2("5.1  Menus")
    pg.table([70, 410], ["Menu", "Content"], [
        ["1", "Parameters, group P1 basic to P5 protection"],
        ["2", "Monitors (read only), e.g. 2.3 output current, 2.7 heatsink temperature"],
        ["9.1", "Fault log: the last 10 faults with output current, DC bus voltage, frequency "
                "and heatsink temperature at the moment of the trip"],
        ["9.2", "Operating hours, fan hours, number of power-ups"],
        ["9.5", "Parameter backup to the keypad and restore"]])
    pg.h2("5.2  Reset")
    pg.p("Press STOP/RESET or close DI4. A fault whose cause is still present trips again at once.")

    pg = doc.page()
    pg.h1("6  Parameters")
    pg.p("Group P1, basic settings. Values marked * can be changed while running.")
    pg.table([52, 170, 90, 70, 100], ["No.", "Name", "Range", "Factory", "Note"], [
        ["P1.01", "Maximum frequency", "10 - 400 Hz", "50 Hz", ""],
        ["P1.02", "Minimum frequency", "0 - P1.01", "0 Hz", ""],
        ["P1.03", "Acceleration time", "0.1 - 600 s", "5.0 s", "* 0 Hz to P1.01"],
        ["P1.04", "Deceleration time", "0.1 - 600 s", "5.0 s", "* P1.01 to 0 Hz"],
        ["P1.05", "Current limit", "10 - 150 %", "150 %", "of rated current"],
        ["P1.06", "Motor rated current", "0.2 - 2 x In", "In", "motor plate, FLA"],
        ["P1.07", "Motor rated speed", "300 - 3600 rpm", "1450 rpm", ""],
        ["P1.08", "Torque boost", "0 - 20 %", "3.0 %", "V/f only"],
        ["P1.20", "Control mode", "0 V/f, 1 SLV, 2 CL", "0", "2 needs encoder"],
        ["P2.01", "Reference source", "0 AI1, 1 AI2, 2 bus", "0", ""],
        ["P4.02", "S-ramp", "0.0 - 10.0 s", "0.0 s", "softer starts"],
        ["P5.01", "Motor thermal time", "1 - 60 min", "10 min", "for OL"],
        ["P5.03", "Stall prevention", "0 off, 1 on", "1", ""],
        ["P5.10", "Auto-reset attempts", "0 - 10", "0", "see 1.3"]])
    pg.h2("6.1  Setting the ramps")
    pg.p("Set P1.03 so that the starting current of the fully loaded machine stays below the "
         "current limit P1.05. On conveyors a start current above 150 % of the motor's full load "
         "current means the ramp is too short for the load: lengthen P1.03 by 2 s and test five "
         "loaded starts. P1.04 too short makes the load drive the motor as a generator (OU).")

    pg = doc.page()
    pg.h1("7  Fault codes")
    pg.p("The drive stops the motor (coast) and opens relay RO1. The fault, with its conditions, "
         "is written to the fault log (menu 9.1). Find the cause before you reset.")
    pg.table([42, 46, 100, 155, 142], ["Code", "Display", "Fault", "Possible causes", "Remedy"], [
        ["OC1", "E.oC.1", "Overcurrent during acceleration",
         "Acceleration time P1.03 too short for the load; jammed or blocked machine; worn motor "
         "bearing; motor cable short or earth fault; failed IGBT module",
         "Free the machine; lengthen P1.03; turn the motor by hand; test motor and cable at "
         "500 V; replace the IGBT module"],
        ["OC2", "E.oC.2", "Overcurrent during deceleration",
         "Deceleration time P1.04 too short; braking resistor missing or open",
         "Lengthen P1.04; check the braking resistor"],
        ["OC3", "E.oC.3", "Overcurrent at constant speed",
         "Sudden load: jam, product caught; damaged motor cable",
         "Clear the jam; inspect and test the motor cable"],
        ["OU", "E.oU", "DC bus overvoltage",
         "Braking resistor open or not fitted; deceleration too fast for the inertia; mains "
         "overvoltage", "Measure the braking resistor; lengthen P1.04"],
        ["LU", "E.LU", "DC bus undervoltage",
         "Mains dip or phase loss; loose input terminal; input fuse blown",
         "Check supply and fuses, tighten L1 L2 L3; reset"],
        ["OH", "E.oH", "Heatsink overheat",
         "Clogged heatsink or cabinet filter mats; drive fan failed; ambient above 50 C",
         "Clean heatsink, replace filter mats; replace the fan"],
        ["OL", "E.oL", "Motor overload (thermal model)",
         "Machine load too high for long: over-tensioned chain, worn bearing; P1.06 set wrong",
         "Check the mechanics; set P1.06 to the motor plate"],
        ["EF", "E.EF", "External fault (DI3 open)",
         "Thermistor relay tripped; broken wire; water in the motor terminal box",
         "Find what opened DI3; dry and seal the terminal box"],
        ["Err 31", "Err 31", "Encoder feedback lost",
         "Encoder connector loose; cable screen broken; encoder failed",
         "Reseat and secure the connector; replace the encoder"]])

    pg = doc.page()
    pg.h1("8  Troubleshooting")
    pg.h2("8.1  Overcurrent trips on start")
    pg.p("Read the fault log (menu 9.1): how often, and the output current at the moment of the "
         "trip. Then work from the likely to the unlikely:")
    pg.bullets([
        "Walk the machine. Jammed product, broken slats or a bent side guide raise the starting "
        "torque. Lock out before reaching in.",
        "Isolate and turn the motor shaft by hand. A rough or noisy bearing: replace the bearings.",
        "Disconnect the motor cable at the drive and test motor and cable at 500 V (section 3.3).",
        "Compare the loaded start current with the motor's rated current; if it exceeds 150 %, "
        "lengthen the acceleration time P1.03 (or add an S-ramp with P4.02).",
        "If the trip comes with the run command even with the motor disconnected, the output "
        "IGBT module has failed. Replace it and restore the parameter backup (menu 9.5).",
    ])
    pg.p("NOTE: a longer ramp hides a mechanical problem rather than curing it. If the ramp has "
         "already been lengthened once and the trips return, look at the bearings and the cable.")
    pg.h2("8.2  Overvoltage when stopping")
    pg.p("Measure the braking resistor with the drive isolated. Open circuit: replace it, and "
         "check its power rating against the duty: heavy pallets stopping often overheat small "
         "resistors. Otherwise lengthen the deceleration time P1.04.")
    pg.h2("8.3  Heatsink overheat")
    pg.p("Compare monitor 2.7 with the cabinet temperature. Replace the door filter mats, blow "
         "the heatsink clean from the top with dry air at low pressure, and spin the fan by hand. "
         "Run the machine loaded for 30 minutes: the heatsink must stay below 70 C.")
    pg.h2("8.4  Several drives trip together")
    pg.p("Undervoltage on several drives at the same moment points to the supply (a mains dip), "
         "not to the drives. Reset and note the time for the electrical supervisor.")

    pg = doc.page()
    pg.h1("9  Maintenance")
    pg.table([130, 350], ["Interval", "Work"], [
        ["Monthly (dusty sites)", "Inspect cabinet filter mats; replace when grey over half the area"],
        ["Every 3 months", "Replace filter mats in dusty areas (packaging, cartons, wood); "
                           "blow the heatsink clean; check the fan runs"],
        ["Every 6 months", "Clean sites: the same as above"],
        ["Yearly", "Tighten power terminals (L1 L2 L3 1.2 Nm frame A/B, 2.5 Nm frame C); "
                   "check the braking resistor value; save a parameter backup (9.5)"],
        ["Fan hours 40 000", "Replace the cooling fan (fan hours in menu 9.2)"],
        ["Stored > 1 year", "Reform the DC bus capacitors before running at load"]])
    pg.h2("9.1  Replacing the cooling fan")
    pg.p("Isolate and wait 5 minutes. Unclip the fan cover, unplug the fan and fit the new one "
         "with the airflow arrow pointing up. Reset the fan hours in menu 9.2.")
    pg.h2("9.2  After replacing a drive")
    pg.p("Restore the parameters from the keypad backup (menu 9.5) or enter them from the "
         "commissioning record. Check the direction of rotation before loading the machine.")

    pg = doc.page()
    pg.h1("10  Spare parts and service")
    pg.table([120, 180, 180], ["Part number", "Description", "Fits"], [
        ["VX3-FAN-A", "Cooling fan 60 mm 24 V", "Frame A"],
        ["VX3-FAN-BC", "Cooling fan 92 mm 24 V", "Frames B, C"],
        ["VX3-IGBT-B", "IGBT power module", "VX3-9A5, VX3-12A"],
        ["VX3-IGBT-C", "IGBT power module", "VX3-17A, VX3-31A"],
        ["VX3-KPD", "Keypad with backup memory", "All"],
        ["VX3-FLT-G3", "Filter mat set, G3", "Cabinet door kit"],
        ["BR-75-500", "Braking resistor 75 ohm 500 W", "VX3-9A5/12A"]])
    pg.p("When you call Vantor service, give the type and serial number from the rating plate, "
         "the firmware version (monitor 2.12) and the fault log (menu 9.1).")
    return doc


def nsc():
    doc = Document("Nordhavn NSC Screw Compressors - Operation and Maintenance",
                   "Nordhavn Air  |  NSC-37 / NSC-55 Operation and Maintenance", "NSC-OM-EN  Edition 2")
    cover(doc, "Nordhavn Air", "NSC-37 / NSC-55", "Oil-injected rotary screw compressors with "
          "AirLogic 2 controller\nOperation and maintenance manual",
          ["Document NSC-OM-EN, edition 2. For the operator and the service technician."],
          [["1", "Safety"], ["2", "Description and technical data"], ["3", "AirLogic 2 controller"],
           ["4", "Alarms and warnings"], ["5", "Troubleshooting"], ["6", "Maintenance intervals"],
           ["7", "Oil, filters and spare parts"]])

    pg = doc.page()
    pg.h1("1  Safety")
    pg.bullets([
        "The separator tank holds compressed air and hot oil. After stopping, wait at least 2 "
        "minutes until the blow-down valve has vented the tank, and check the pressure gauge "
        "reads 0 bar before opening any oil or air connection.",
        "Isolate the electrical supply and lock it out before opening the canopy. The compressor "
        "can start by itself on pressure demand or remote start.",
        "Oil and discharge pipes reach 100 C. Wear gloves.",
        "Never run the compressor with the canopy open: the cooling air flow is then wrong and "
        "the discharge temperature rises.",
    ])
    pg.h1("2  Description and technical data")
    pg.p("Air drawn through the inlet filter is compressed in the screw element, where injected "
         "oil seals, lubricates and cools. The oil is separated in the tank and separator "
         "element, cooled in the air-cooled oil cooler and returned through the thermostatic "
         "valve, which keeps the element warm at start and sends all oil through the cooler "
         "from 71 C.")
    pg.table([200, 120, 120], ["", "NSC-37", "NSC-55"], [
        ["Motor power", "37 kW", "55 kW"],
        ["Free air delivery at 7.5 bar", "6.1 m3/min", "9.4 m3/min"],
        ["Maximum working pressure", "8.5 bar", "8.5 bar"],
        ["Oil capacity", "22 l", "32 l"],
        ["Cooling air flow", "2.9 m3/s", "4.3 m3/s"],
        ["Normal discharge temperature", "75 - 95 C", "75 - 95 C"],
        ["Starting", "star-delta", "star-delta"]])

    pg = doc.page()
    pg.h1("3  AirLogic 2 controller")
    pg.p("The controller loads and unloads the compressor between the set pressures, protects it "
         "and counts the hours to the next service. Keys: START, STOP, RESET, arrows, ENTER.")
    pg.table([80, 400], ["Menu", "Content"], [
        ["1", "Pressure and temperature now"],
        ["2", "Running hours, loaded hours, starts per hour"],
        ["3", "Set points: load 6.8 bar, unload 7.5 bar (factory)"],
        ["4", "Service menu: alarm history with the discharge temperature record of the last 24 h"],
        ["5", "Service counters: hours to the next 2000 h / 4000 h / 8000 h service"]])
    pg.p("Warnings (W) leave the compressor running and light the yellow lamp. Alarms (E) stop "
         "it and light the red lamp; an E alarm must be reset after the cause is removed.")

    pg = doc.page()
    pg.h1("4  Alarms and warnings")
    pg.table([55, 130, 160, 135], ["Code", "Message", "Cause", "Action"], [
        ["W105", "Discharge temperature high (warning at 105 C)",
         "Oil cooler fouled; room too hot; oil level low",
         "Clean the cooler at the next stop; check room ventilation"],
        ["E101", "Discharge temperature high: compressor stopped (110 C)",
         "Oil cooler fouled; oil level low; thermostatic valve stuck; cooler fan failed",
         "See 5.1"],
        ["E117", "Separator differential pressure high",
         "Separator element blocked", "Replace the separator element"],
        ["E125", "Main motor overload", "Overcurrent relay tripped; voltage low; element stiff",
         "Check supply, motor and element; reset the relay"],
        ["E140", "Failed to load", "Inlet valve stuck; solenoid valve failed",
         "Check the inlet valve and the load solenoid"],
        ["W201", "Service due", "Service counter reached", "Carry out the service (section 6)"]])

    pg = doc.page()
    pg.h1("5  Troubleshooting")
    pg.h2("5.1  E101 high discharge temperature")
    pg.bullets([
        "Read the discharge temperature record in service menu 4: a slow rise over weeks "
        "points to a fouled cooler, a sudden rise to the oil level or the thermostatic valve.",
        "Check the oil level in the sight glass with the compressor stopped and unloaded.",
        "Isolate the compressor and blow the oil cooler clean from the fan side, against the "
        "normal air flow. In summer, or where the air carries dust or oil mist, clean it at "
        "every 4000 h service or more often.",
        "Check the cooler fan runs and the room air inlet louvres are open.",
        "If the temperature is still high with a clean cooler and the right oil level, replace "
        "the thermostatic valve element.",
    ])
    pg.h2("5.2  Frequent W105 warnings")
    pg.p("Repeated W105 warnings are the early sign of an E101 stop. Plan the cooler cleaning "
         "before the hot season rather than after the first trip.")
    pg.h2("5.3  E125 motor overload")
    pg.p("Measure the supply voltage under load and the motor current. Turn the element by hand "
         "(isolated): it must turn evenly. Reset the overload relay only once the cause is found.")

    pg = doc.page()
    pg.h1("6  Maintenance intervals")
    pg.p("Intervals in running hours (AirLogic 2 menu 5), or yearly, whichever comes first.")
    pg.table([100, 380], ["Interval", "Work"], [
        ["Daily", "Read pressure and discharge temperature; drain condensate (if manual)"],
        ["Weekly", "Check the oil level; look for oil leaks"],
        ["2000 h", "Replace the air inlet filter; check the cooler for dirt"],
        ["4000 h", "Replace the oil and the oil filter; clean the oil cooler; check the belt "
                   "or coupling; test the safety valve"],
        ["8000 h", "As 4000 h, plus: replace the separator element, the thermostatic valve "
                   "element kit and the minimum pressure valve kit"],
        ["16 000 h", "Regrease the motor bearings (sealed bearings: check noise); inspect the "
                     "inlet valve"]])
    pg.p("Reset the service counter in menu 5 after the service; the W201 warning goes out.")

    pg = doc.page()
    pg.h1("7  Oil, filters and spare parts")
    pg.table([120, 210, 150], ["Part number", "Description", "Model"], [
        ["NH-OIL-46", "Compressor oil, synthetic, 20 l", "NSC-37, NSC-55"],
        ["NH-OF-37", "Oil filter", "NSC-37"],
        ["NH-OF-55", "Oil filter", "NSC-55"],
        ["NH-AF-55", "Air inlet filter element", "NSC-37, NSC-55"],
        ["NH-SEP-55", "Separator element", "NSC-37, NSC-55"],
        ["NH-TV-71", "Thermostatic valve element kit, 71 C", "NSC-37, NSC-55"],
        ["NH-FAN-55", "Cooler fan motor", "NSC-55"]])
    pg.p("Use only the specified oil. Mixing oils can foam and carry oil over into the air net.")
    return doc


def km600():
    doc = Document("Kessler Mechatronik KM-600 Vertical Machining Centre - Maintenance Manual",
                   "Kessler Mechatronik  |  KM-600 Maintenance Manual (KM-Control 8)",
                   "KM6-MM-EN  Edition 4")
    cover(doc, "Kessler Mechatronik", "KM-600", "Vertical machining centre with KM-Control 8\n"
          "Maintenance manual",
          ["Document KM6-MM-EN, edition 4. The alarm list and the lubrication section also apply "
           "to the KM-800H horizontal machining centre with KM-Control 8."],
          [["1", "Safety"], ["2", "Machine data"], ["3", "KM-Control 8 alarms"],
           ["4", "Alarm list"], ["5", "AL 2040 axis servo alarm"], ["6", "Way lubrication"],
           ["7", "Maintenance schedule"]])

    pg = doc.page()
    pg.h1("1  Safety")
    pg.bullets([
        "Switch off the main switch and lock it before working inside the electrical cabinet or "
        "on the axis drives. The servo amplifiers keep a charge for 3 minutes.",
        "The Z axis can drop when its brake is released or its motor is removed: support the "
        "spindle head first.",
        "Work in the machining area only with the doors interlocked or in setup mode with the "
        "enabling switch.",
        "Coolant causes skin irritation: wear gloves.",
    ])
    pg.h1("2  Machine data")
    pg.table([200, 240], ["", "KM-600"], [
        ["Travel X / Y / Z", "600 / 450 / 500 mm"],
        ["Spindle", "12 000 rpm, SK40, 15 kW"],
        ["Tool changer", "24 tools, double arm"],
        ["Rapid traverse", "36 m/min"],
        ["Control", "KM-Control 8"],
        ["Way lubrication", "Central oil system, 2 l tank, 16 metering points"],
        ["Air supply", "6 bar minimum, dry"]])

    pg = doc.page()
    pg.h1("3  KM-Control 8 alarms")
    pg.p("Alarms show on the control screen as AL and a four-digit number, with the axis or the "
         "unit concerned, e.g. AL 2040 Z. The first digit gives the group:")
    pg.table([80, 400], ["Group", "Unit"], [
        ["AL 1xxx", "Spindle"], ["AL 2xxx", "Axis drives and measuring systems"],
        ["AL 3xxx", "Lubrication"], ["AL 4xxx", "Tool changer"], ["AL 5xxx", "Coolant"]])
    pg.p("The alarm history (DIAG > ALARM LOG) keeps the last 500 alarms with date, time, "
         "program line and axis positions. Print or photograph it before calling service.")

    pg = doc.page()
    pg.h1("4  Alarm list")
    pg.table([60, 120, 160, 140], ["Alarm", "Text", "Cause", "Action"], [
        ["AL 1021", "Spindle overload",
         "Worn or chipped tool; feed or depth of cut too high; spindle bearings worn",
         "Change the tool; check the program feed; listen to the spindle at speed"],
        ["AL 2040", "Axis servo alarm (axis named)",
         "Encoder cable broken in the cable carrier; way lube starvation; servo amplifier "
         "failed", "See section 5"],
        ["AL 3007", "Way lube level low",
         "Tank empty; metering unit blocked; lube pump failed",
         "Fill the tank; see section 6"],
        ["AL 4010", "Tool changer fault",
         "Shop air below 6 bar; tool clamp proximity switch; ATC arm out of alignment",
         "Check air, switch and arm home position"],
        ["AL 5001", "Coolant level low", "Tank low; return filter blocked",
         "Top up; clean the return filter"],
        ["AL 5003", "Coolant pressure low", "Coolant pump or supply from central system",
         "Check the supply pressure and the pump"]])

    pg = doc.page()
    pg.h1("5  AL 2040 axis servo alarm")
    pg.p("The axis drive stops because the following error or the motor current went beyond its "
         "limit. Note which axis the alarm names and whether it came at rapid traverse or while "
         "cutting.")
    pg.bullets([
        "Check the way lube level and the lube pressure (section 6): starved ways make the axis "
        "stiff and the servo overloads.",
        "Isolate the machine. Inspect the axis's encoder cable along the cable carrier: kinks, a "
        "flattened sheath or a broken screen at the bending point. This is the most frequent "
        "cause on machines past 10 000 hours.",
        "Swap the suspect encoder cable with the spare and test with a slow traverse over the "
        "full stroke.",
        "If the alarm stays, the servo amplifier or the motor is suspect: call Kessler service "
        "and send the alarm history.",
    ])
    pg.p("NOTE: after any work on the Z axis, check the brake holds the spindle head with the "
         "drive switched off.")

    pg = doc.page()
    pg.h1("6  Way lubrication")
    pg.p("A piston pump delivers oil every 15 minutes of axis movement to 16 metering points on "
         "the guideways and ball screws. A pressure switch confirms each cycle.")
    pg.table([120, 360], ["Check", "How"], [
        ["Level", "Sight glass on the tank; AL 3007 at 0.2 l remaining"],
        ["Pressure", "15 - 20 bar at the gauge during a lube cycle (DIAG > LUBE > CYCLE)"],
        ["Oil", "Slideway oil ISO VG 68 only"],
        ["Metering units", "Dry guideway under a metering point: replace that metering unit"]])
    pg.p("If the tank empties far faster than usual, look for a broken line in the cable "
         "carrier; if it does not empty at all, the pump or its filter is blocked.")

    pg = doc.page()
    pg.h1("7  Maintenance schedule")
    pg.table([110, 370], ["Interval", "Work"], [
        ["Daily", "Way lube and coolant levels; clear chips from the table and covers"],
        ["Weekly", "Clean the coolant return filter; check air pressure and water separator"],
        ["Monthly", "Check the way covers and wipers; check the cable carriers for wear"],
        ["6 months", "Replace the lube pump filter; check the ATC arm home position"],
        ["Yearly", "Check ball screw backlash; check the spindle run-out (max. 3 um at the "
                   "taper); replace the cabinet filter mats; check the Z brake"]])
    return doc


def main(out=OUT):
    """Writes the manuals into `out` (default: manuals/ beside this file)."""
    os.makedirs(out, exist_ok=True)
    makers = {"vantor-vx300-instruction-manual.pdf": vx300,
              "nordhavn-nsc-operation-maintenance.pdf": nsc,
              "kessler-km600-maintenance-manual.pdf": km600}
    for name, _maker, _models in MANUALS:
        doc = makers[name]()
        data = doc.to_bytes()
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        print("%-40s %2d pages %6d bytes" % ("manuals/" + name, len(doc.pages), len(data)))


if __name__ == "__main__":
    # An optional folder to write to instead (the reproducibility test compares the two).
    main(sys.argv[1] if len(sys.argv) > 1 else OUT)
