; Clauses: Windows installer (NSIS 3, MUI2, French).
;
; Per-user installation without administrator rights in %LOCALAPPDATA%\Programs\Clauses,
; Start-menu shortcut, optional desktop shortcut, .clause files opened by the application,
; upgrade in place (fixed identifier APP_ID), uninstaller that keeps the user's data unless
; asked. Built by installer/build.py, which passes the identity read from pyproject.toml:
;
;   makensis -DAPP_ID=... -DAPP_NAME=Clauses -DPUBLISHER=Clauses -DVERSION=0.1.0
;            -DVERSION_NUMERIC=0.1.0.0 -DDIST_DIR=<frozen folder> -DOUTFILE=<setup.exe>
;            [-DCOMPRESSION=lzma|zlib|off] [-DGUI_EXE=... -DCLI_EXE=...] installer/clauses.nsi
;
; Silent use: setup.exe /S [/NODESKTOP] [/NOASSOC] [/D=folder]
;             uninstall.exe /S [/REMOVEDATA]

!ifndef APP_ID | APP_NAME | PUBLISHER | VERSION | VERSION_NUMERIC | DIST_DIR | OUTFILE
  !error "Missing -D defines: build with installer/build (see the header of this file)."
!endif
!ifndef COMPRESSION
  !define COMPRESSION lzma
!endif
!ifndef ICON
  !define ICON "../resources/icons/clauses.ico" ; makensis works from this folder
!endif

; 64-bit stubs when this NSIS has them (Debian's does); the official Windows build of NSIS
; ships only 32-bit stubs, whose installer works the same on 64-bit Windows.
!if /FileExists "${NSISDIR}/Stubs/zlib-amd64-unicode"
  Target amd64-unicode
!else
  !warning "No amd64-unicode stubs in this NSIS: building a 32-bit (x86-unicode) installer."
  Unicode true
  Target x86-unicode
!endif

!if "${COMPRESSION}" == "off"
  SetCompress off
!else if "${COMPRESSION}" == "lzma"
  SetCompressor /SOLID lzma
!else
  SetCompressor ${COMPRESSION}
!endif

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "x64.nsh"

; Never change: Windows finds the installed copy (upgrade, uninstall) by this key.
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
!define PROGID "Clauses.FichierClause"
!define EXTENSION ".clause"
; The two programs of the frozen folder (build.py passes the names without ".exe" when the
; folder was frozen on Linux, so that the wine check installs and removes exactly those files).
!ifndef GUI_EXE
  !define GUI_EXE "clauses-app.exe"
!endif
!ifndef CLI_EXE
  !define CLI_EXE "clauses.exe"
!endif
; The user's data (database, backups\, Logs\): platformdirs' user_data_dir for
; appauthor "Clauses", appname "Clauses", not roaming. Kept unless the user asks.
!define DATA_PARENT "$LOCALAPPDATA\${PUBLISHER}"
!define DATA_DIR "${DATA_PARENT}\${APP_NAME}"

Name "${APP_NAME}"
Caption "Installation de ${APP_NAME} ${VERSION}"
UninstallCaption "Désinstallation de ${APP_NAME}"
OutFile "${OUTFILE}"
BrandingText "${APP_NAME} ${VERSION}"
RequestExecutionLevel user
ManifestDPIAware true
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
; Upgrade in place: the folder of the installed copy wins over the default (not over /D=).
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
ShowInstDetails hide
ShowUninstDetails hide

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_WELCOMEPAGE_TEXT "Cet assistant installe ${APP_NAME} ${VERSION} pour votre compte \
  Windows, sans droits d'administrateur.$\r$\n$\r$\nSi ${APP_NAME} est déjà installé, il est mis \
  à jour : vos données (base, sauvegardes) sont conservées.$\r$\n$\r$\nCliquez sur Suivant pour \
  continuer."
!define MUI_FINISHPAGE_RUN "$INSTDIR\${GUI_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Lancer ${APP_NAME}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!define MUI_UNCOMPONENTSPAGE_TEXT_TOP "Vos données (base, sauvegardes, journaux) sont dans \
  ${DATA_DIR}. Elles sont conservées, sauf si vous cochez la case ci-dessous."
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "French"

VIProductVersion "${VERSION_NUMERIC}"
VIFileVersion "${VERSION_NUMERIC}"
VIAddVersionKey /LANG=${LANG_FRENCH} "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=${LANG_FRENCH} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_FRENCH} "FileDescription" "Installation de ${APP_NAME}"
VIAddVersionKey /LANG=${LANG_FRENCH} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_FRENCH} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_FRENCH} "LegalCopyright" "© ${PUBLISHER}, licence MIT"

Section "${APP_NAME} (programme)" SecProgram
  SectionIn RO
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  ; Upgrade in place: libraries of the previous version must not linger beside the new ones.
  ; Only the program folder is touched: the user's data lives in ${DATA_DIR}.
  RMDir /r "$INSTDIR\_internal"
  File /r "${DIST_DIR}/*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${GUI_EXE}" "" "$INSTDIR\${GUI_EXE}" 0

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${GUI_EXE},0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "Raccourci sur le Bureau" SecDesktop
  SetShellVarContext current
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${GUI_EXE}" "" "$INSTDIR\${GUI_EXE}" 0
SectionEnd

Section "Ouvrir les fichiers ${EXTENSION} avec ${APP_NAME}" SecAssociation
  WriteRegStr HKCU "Software\Classes\${EXTENSION}" "" "${PROGID}"
  WriteRegStr HKCU "Software\Classes\${PROGID}" "" "Fichier d'échange ${APP_NAME}"
  WriteRegStr HKCU "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\${GUI_EXE},0"
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open\command" "" \
    '"$INSTDIR\${GUI_EXE}" "%1"'
  ; SHCNE_ASSOCCHANGED: Explorer shows the new icon without a restart.
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "${APP_NAME} nécessite Windows 64 bits." /SD IDOK
    Abort
  ${EndIf}
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/NODESKTOP" $R1
  ${IfNot} ${Errors}
    !insertmacro UnselectSection ${SecDesktop}
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/NOASSOC" $R1
  ${IfNot} ${Errors}
    !insertmacro UnselectSection ${SecAssociation}
  ${EndIf}
FunctionEnd

Section "un.${APP_NAME} (programme)" SecUnProgram
  SectionIn RO
  SetShellVarContext current
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  Delete "$DESKTOP\${APP_NAME}.lnk"
  ; The extension is released only if it still points to this application.
  ReadRegStr $0 HKCU "Software\Classes\${EXTENSION}" ""
  ${If} $0 == "${PROGID}"
    DeleteRegKey HKCU "Software\Classes\${EXTENSION}"
  ${EndIf}
  DeleteRegKey HKCU "Software\Classes\${PROGID}"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  ; Only what the installer put there: the folder may have been chosen by the user.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${GUI_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
SectionEnd

Section /o "un.Supprimer aussi mes données (base, sauvegardes, journaux)" SecUnData
  RMDir /r "${DATA_DIR}"
  RMDir "${DATA_PARENT}"
SectionEnd

Function un.onInit
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/REMOVEDATA" $R1
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${SecUnData}
  ${EndIf}
FunctionEnd
