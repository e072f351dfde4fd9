/* A valid 4x4 SLIT that cannot describe big-x2apic-srat.dsl (its PXMs go up
 * to 0x10000, and a SLIT is indexed by PXM): the topology must fall back to
 * default distances and say why. */
[0004]                          Signature : "SLIT"
[0004]                       Table Length : 00000000
[0001]                           Revision : 01
[0001]                           Checksum : 00
[0006]                             Oem ID : "TEST  "
[0008]                       Oem Table ID : "BIGX2API"
[0004]                       Oem Revision : 00000001
[0004]                    Asl Compiler ID : "INTL"
[0004]              Asl Compiler Revision : 20200925

[0008]                         Localities : 0000000000000004
[0004]                       Locality   0 : 0A 10 16 16
[0004]                       Locality   1 : 10 0A 16 16
[0004]                       Locality   2 : 16 16 0A 10
[0004]                       Locality   3 : 16 16 10 0A
