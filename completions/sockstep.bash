# bash completion for sockstep
_sockstep()
{
	local cur prev words cword
	_init_completion || return
	local cmds="lesson batch replay run lessons check-lesson new-lesson diff join grade"
	local opts="--port --clients --lang --theme --net --help --version"
	case $prev in
	--port|--clients|--delay|--time-limit) return ;;
	--results) _filedir; return ;;
	--export) COMPREPLY=($(compgen -W "mermaid markdown" -- "$cur")); return ;;
	--record|--replay|replay) _filedir; return ;;
	--lang) COMPREPLY=($(compgen -W "en zh" -- "$cur")); return ;;
	--theme) COMPREPLY=($(compgen -W "default projector" -- "$cur")); return ;;
	--net) COMPREPLY=($(compgen -W "lab host" -- "$cur")); return ;;
	--steps) COMPREPLY=($(compgen -W "s c s+ c+ all+ -" -- "$cur")); return ;;
	--server|--client)
		if [[ ${words[1]} == grade ]]; then _filedir; else COMPREPLY=($(compgen -c -- "$cur")); fi
		return ;;
	lesson|batch|--lesson)
		COMPREPLY=($(compgen -W "$(sockstep lessons 2>/dev/null | awk '{print $1}')" -- "$cur"))
		return ;;
	check-lesson) _filedir -d; return ;;
	new-lesson) return ;;
	esac
	if [[ $cword -eq 1 ]]; then
		COMPREPLY=($(compgen -W "$cmds $opts" -- "$cur"))
		return
	fi
	case ${words[1]} in
	diff)	# two transcripts (--json)
		_filedir; return ;;
	join)	# a lab's pid, then -- and a command
		[[ $cword -eq 2 ]] && COMPREPLY=($(compgen -W "$(pgrep -x -u "$EUID" sockstep)" -- "$cur"))
		return ;;
	batch) opts="$opts --steps --json --export --record --replay" ;;
	lesson) opts="$opts --record" ;;
	replay) opts="$opts --delay" ;;
	run) opts="$opts --server --client --lesson --batch --json --steps" ;;
	grade)	# options, then the submissions' directories
		if [[ $cur != -* ]]; then _filedir -d; return; fi
		opts="$opts --lesson --server --client --results --time-limit" ;;
	esac
	COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _sockstep sockstep
