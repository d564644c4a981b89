# bash completion for stubflash(1)

# The board sections of the config files: the nearest stubflash.ini and the user's.
_stubflash_boards()
{
    local dir=$PWD files=("${XDG_CONFIG_HOME:-$HOME/.config}/stubflash/config.ini")
    while :; do
        [[ -f $dir/stubflash.ini ]] && { files+=("$dir/stubflash.ini"); break; }
        [[ -z $dir || $dir == / ]] && break
        dir=${dir%/*}
    done
    sed -n 's/^[[:space:]]*\[board[ .][[:space:]]*\([^]]*\)\].*/\1/p' "${files[@]}" 2>/dev/null
}

_stubflash()
{
    local cur prev words cword
    _init_completion || return
    local commands="ports info write rollback verify read erase go protect unprotect reset options config chips"
    local options="-p --port -b --baud --no-stub --stub-baud --usart --before --after --enter --protocol
        --ymodem-start --json -q --quiet -v --verbose -h --help -V --version --address --format
        --no-verify --go --size --all --range --write --readout --yes --erase-all --level
        --irreversibly-lock-the-chip --allow-no-bootloader --bank-swap --no-backup --force --data --require-signature --stub --board
        --wait --wait="
    case $prev in
        -p | --port)
            local ports
            # Names, and USB identities (usb:VID:PID) of the adapters plugged in.
            ports=$(stubflash ports 2>/dev/null |
                awk '{ print $1 } $2 ~ /^[0-9a-f]+:[0-9a-f]+$/ { print "usb:" $2 }')
            COMPREPLY=($(compgen -W "$ports" -- "$cur"))
            [[ $cur == /* ]] && COMPREPLY+=($(compgen -f -- "$cur"))
            return ;;
        -b | --baud)
            COMPREPLY=($(compgen -W "9600 19200 38400 57600 115200 230400 460800 921600" -- "$cur"))
            return ;;
        --stub-baud)
            COMPREPLY=($(compgen -W "0 230400 460800 921600 1000000 1500000 2000000 3000000" -- "$cur"))
            return ;;
        --usart)
            COMPREPLY=($(compgen -W "1 2 3 auto" -- "$cur"))
            return ;;
        --before | --after)
            COMPREPLY=($(compgen -W "none dtr-reset-rts-boot0 rts-reset-dtr-boot0" -- "$cur"))
            return ;;
        --board)
            COMPREPLY=($(compgen -W "$(_stubflash_boards)" -- "$cur"))
            return ;;
        --protocol)
            COMPREPLY=($(compgen -W "bootloader ymodem" -- "$cur"))
            return ;;
        --format)
            COMPREPLY=($(compgen -W "bin hex srec elf" -- "$cur"))
            return ;;
        --level)
            COMPREPLY=($(compgen -W "1 2" -- "$cur"))
            return ;;
        --address | --size | --range | --enter | --ymodem-start)
            return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
        return
    fi
    local i have_command=
    for ((i = 1; i < cword; i++)); do
        [[ " $commands " == *" ${words[i]} "* ]] && have_command=${words[i]}
    done
    if [[ -z $have_command ]]; then
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
    elif [[ $have_command == chips ]]; then
        return # no arguments (--json is an option)
    else
        _filedir '@(bin|hex|ihex|srec|s19|elf|gz)'
    fi
} &&
    complete -F _stubflash stubflash
